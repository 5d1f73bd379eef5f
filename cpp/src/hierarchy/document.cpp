// The hierarchy document (see document.h).
#include "hierarchy/document.h"

#include <cstdint>
#include <utility>

namespace modelexport::hierarchy {
namespace {

using Json = nlohmann::ordered_json;

struct TreeCounts {
  std::vector<std::size_t> subtree_nodes;
  std::vector<std::int64_t> subtree_parameters;
};

TreeCounts count_subtrees(const ModuleTree& tree, const std::vector<std::size_t>& own_nodes) {
  TreeCounts counts{own_nodes, std::vector<std::int64_t>(static_cast<std::size_t>(tree.size()))};
  for (int i = 0; i < tree.size(); ++i) counts.subtree_parameters[i] = tree.at(i).own_parameters;
  // Children have larger indices than their parents.
  for (int i = tree.size() - 1; i > 0; --i) {
    auto parent = static_cast<std::size_t>(tree.at(i).parent);
    counts.subtree_nodes[parent] += counts.subtree_nodes[i];
    counts.subtree_parameters[parent] += counts.subtree_parameters[i];
  }
  return counts;
}

Json module_json(const ModuleTree& tree, int index, const std::vector<std::size_t>& own_nodes,
                 const TreeCounts& counts) {
  const auto& module = tree.at(index);
  auto i = static_cast<std::size_t>(index);
  Json out = {{"path", module.path},
              {"class", module.class_name},
              {"tag", module.tag},
              {"parameters", counts.subtree_parameters[i]},
              {"own_parameters", module.own_parameters},
              {"nodes", own_nodes[i]},
              {"subtree_nodes", counts.subtree_nodes[i]}};
  Json children = Json::array();
  for (int child : module.children) children.push_back(module_json(tree, child, own_nodes, counts));
  out["children"] = std::move(children);
  return out;
}

}  // namespace

std::string hierarchy_document(const ModuleTree& tree, const std::vector<std::size_t>& own_nodes,
                               const ProjectionStats& stats, bool tagged, const Json& extra) {
  TreeCounts counts = count_subtrees(tree, own_nodes);
  Json unused = Json::array();
  std::size_t with_nodes = 0;
  for (int i = 0; i < tree.size(); ++i) {
    if (own_nodes[static_cast<std::size_t>(i)] > 0) ++with_nodes;
    if (counts.subtree_nodes[static_cast<std::size_t>(i)] == 0) unused.push_back(tree.at(i).path);
  }
  auto percent = [&](std::size_t n) {
    return stats.total_nodes == 0
               ? 0.0
               : 100.0 * static_cast<double>(n) / static_cast<double>(stats.total_nodes);
  };
  Json document;
  document["format"] = "modelexport-hierarchy/1";
  document["tagged"] = tagged;
  document["statistics"] = {{"total_nodes", stats.total_nodes},
                            {"direct", stats.direct},
                            {"inherited", stats.inherited},
                            {"root_fallback", stats.root_fallback},
                            {"root_fallback_percent", percent(stats.root_fallback)},
                            {"modules", tree.size()},
                            {"modules_with_nodes", with_nodes},
                            {"unused_modules", unused}};
  for (const auto& [key, value] : extra.items()) document["statistics"][key] = value;
  document["tree"] = module_json(tree, ModuleTree::root(), own_nodes, counts);
  return document.dump();
}

}  // namespace modelexport::hierarchy
