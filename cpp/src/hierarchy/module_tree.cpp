// ModuleTree: construction from named_modules(), ancestry queries and tag labels.
#include "hierarchy/module_tree.h"

#include <algorithm>
#include <stdexcept>

namespace modelexport::hierarchy {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    std::size_t dot = path.find('.');
    parts.push_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return parts;
}

namespace {

std::string parent_path(const std::string& path) {
  std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

}  // namespace

ModuleTree::ModuleTree(const std::vector<ModuleInfo>& modules) {
  auto root = std::find_if(modules.begin(), modules.end(),
                           [](const ModuleInfo& m) { return m.path.empty(); });
  if (root == modules.end()) {
    throw std::invalid_argument("module tree: no root module (path \"\")");
  }
  modules_.push_back(Module{});
  modules_[0].class_name = root->class_name;
  modules_[0].own_parameters = root->own_parameters;
  by_path_.emplace("", 0);
  for (const ModuleInfo& info : modules) {
    if (info.path.empty()) continue;
    int index = add(info.path);
    Module& module = modules_[static_cast<std::size_t>(index)];
    module.class_name = info.class_name;
    module.own_parameters = info.own_parameters;
    module.container = info.container;
  }
  // Parents precede children (add() creates ancestors first), so one forward pass labels all.
  for (int i = 0; i < size(); ++i) label(i);
}

int ModuleTree::add(const std::string& path) {
  auto found = by_path_.find(path);
  if (found != by_path_.end()) return found->second;
  int parent = add(parent_path(path));
  int index = size();
  Module module;
  module.path = path;
  module.parent = parent;
  module.depth = at(parent).depth + 1;
  module.container = true;  // until named_modules() lists it
  std::size_t dot = path.rfind('.');
  module.local_name = dot == std::string::npos ? path : path.substr(dot + 1);
  modules_.push_back(std::move(module));
  modules_[static_cast<std::size_t>(parent)].children.push_back(index);
  by_path_.emplace(path, index);
  return index;
}

void ModuleTree::label(int index) {
  Module& module = modules_[static_cast<std::size_t>(index)];
  if (index == root()) {
    module.tag = "/" + module.class_name;
    return;
  }
  const Module& parent = at(module.parent);
  if (module.container) {
    // Containers never run: they add no level, their children carry their name.
    module.tag = parent.tag;
    module.ns = parent.ns;
    return;
  }
  std::string name = module.local_name;
  std::string class_label = module.class_name;
  if (parent.container && module.parent != root()) {
    name = parent.local_name + "." + module.local_name;
    class_label += "." + module.local_name;
  }
  module.tag = parent.tag + "/" + class_label;
  module.ns = (parent.ns.empty() ? "" : parent.ns + "/") + name + ": " + module.class_name;
}

int ModuleTree::find(std::string_view path) const {
  auto found = by_path_.find(std::string(path));
  return found == by_path_.end() ? kNoModule : found->second;
}

int ModuleTree::lowest_common_ancestor(int a, int b) const {
  while (at(a).depth > at(b).depth) a = at(a).parent;
  while (at(b).depth > at(a).depth) b = at(b).parent;
  while (a != b) {
    a = at(a).parent;
    b = at(b).parent;
  }
  while (a != root() && at(a).container) a = at(a).parent;
  return a;
}

}  // namespace modelexport::hierarchy
