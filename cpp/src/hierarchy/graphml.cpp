// hierarchy_graphml: the graph as GraphML with one compound node per module (nested <graph>
// elements, the yEd convention); edges are tensors from producer to consumer.
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "hierarchy/node_tags.h"
#include "modelexport/hierarchy.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A module's compound node: its operator nodes and child modules.
struct Group {
  std::vector<int> nodes;
  std::map<std::string, Group> children;  // keyed by full module path
  std::string tag;
};

void write_group(std::ostringstream& xml, const onnx::GraphProto& graph, const std::string& path,
                 const Group& group, int indent) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& [child_path, child] : group.children) {
    std::string id = "module:" + child_path;
    // yfiles.foldertype="group" marks a compound node for yEd and for networkx's reader.
    xml << pad << "<node id=\"" << xml_escape(id) << "\" yfiles.foldertype=\"group\">\n"
        << pad << "  <data key=\"kind\">module</data>\n"
        << pad << "  <data key=\"label\">" << xml_escape(child_path) << "</data>\n"
        << pad << "  <data key=\"module\">" << xml_escape(child_path) << "</data>\n"
        << pad << "  <data key=\"tag\">" << xml_escape(child.tag) << "</data>\n"
        << pad << "  <graph id=\"" << xml_escape(id) << ":\" edgedefault=\"directed\">\n";
    write_group(xml, graph, child_path, child, indent + 4);
    xml << pad << "  </graph>\n" << pad << "</node>\n";
  }
  for (int index : group.nodes) {
    const auto& node = graph.node(index);
    xml << pad << "<node id=\"op:" << index << "\">\n"
        << pad << "  <data key=\"kind\">op</data>\n"
        << pad << "  <data key=\"label\">" << xml_escape(node.op_type()) << "</data>\n"
        << pad << "  <data key=\"name\">" << xml_escape(node.name()) << "</data>\n"
        << pad << "  <data key=\"module\">" << xml_escape(path) << "</data>\n"
        << pad << "</node>\n";
  }
}

}  // namespace

std::string hierarchy_graphml(const OnnxModel& model) {
  const onnx::GraphProto& graph = OnnxModelAccess::proto(model).graph();
  Group root;
  for (int i = 0; i < graph.node_size(); ++i) {
    const std::string* module = hierarchy::node_module(graph.node(i));
    std::string path = module ? *module : std::string();
    std::string tag;
    for (const auto& prop : graph.node(i).metadata_props()) {
      if (prop.key() == hierarchy::kTagKey) tag = prop.value();
    }
    Group* group = &root;
    std::string prefix;
    for (auto part : hierarchy::split_path(path)) {
      prefix = prefix.empty() ? std::string(part) : prefix + "." + std::string(part);
      group = &group->children[prefix];
    }
    if (group != &root && group->tag.empty()) group->tag = tag;
    group->nodes.push_back(i);
  }

  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
  for (const char* key : {"kind", "label", "name", "module", "tag"}) {
    xml << "  <key id=\"" << key << "\" for=\"node\" attr.name=\"" << key
        << "\" attr.type=\"string\"/>\n";
  }
  xml << "  <key id=\"tensor\" for=\"edge\" attr.name=\"tensor\" attr.type=\"string\"/>\n"
      << "  <graph id=\"" << xml_escape(graph.name().empty() ? "model" : graph.name())
      << "\" edgedefault=\"directed\">\n";
  for (const auto& input : graph.input()) {
    xml << "    <node id=\"input:" << xml_escape(input.name()) << "\">"
        << "<data key=\"kind\">input</data><data key=\"label\">" << xml_escape(input.name())
        << "</data></node>\n";
  }
  for (const auto& output : graph.output()) {
    xml << "    <node id=\"output:" << xml_escape(output.name()) << "\">"
        << "<data key=\"kind\">output</data><data key=\"label\">" << xml_escape(output.name())
        << "</data></node>\n";
  }
  write_group(xml, graph, "", root, 4);

  // Edges are declared in the top-level graph, which networkx reads (it flattens nesting).
  std::unordered_map<std::string_view, std::string> producer;
  for (const auto& input : graph.input()) producer[input.name()] = "input:" + input.name();
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& output : graph.node(i).output()) producer[output] = "op:" + std::to_string(i);
  }
  int edge = 0;
  auto write_edge = [&](const std::string& from, const std::string& to, std::string_view tensor) {
    xml << "    <edge id=\"e" << edge++ << "\" source=\"" << xml_escape(from) << "\" target=\""
        << xml_escape(to) << "\"><data key=\"tensor\">" << xml_escape(tensor) << "</data></edge>\n";
  };
  for (int i = 0; i < graph.node_size(); ++i) {
    for (std::string_view name : hierarchy::consumed_names(graph.node(i))) {
      auto it = producer.find(name);
      if (it != producer.end()) write_edge(it->second, "op:" + std::to_string(i), name);
    }
  }
  for (const auto& output : graph.output()) {
    auto it = producer.find(output.name());
    if (it != producer.end()) write_edge(it->second, "output:" + output.name(), output.name());
  }
  xml << "  </graph>\n</graphml>\n";
  return xml.str();
}

}  // namespace modelexport
