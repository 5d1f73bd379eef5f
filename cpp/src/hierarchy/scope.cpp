// ScopeResolver: dynamo name_scopes and TorchScript node names to module tree indices.
#include "hierarchy/scope.h"

#include <cctype>
#include <string>
#include <vector>

namespace modelexport::hierarchy {
namespace {

// The quoted strings of a Python list repr such as "['', 'model', 'model.bert']".
std::vector<std::string_view> python_string_list(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t i = 0;
  while (i < text.size()) {
    char quote = text[i];
    if (quote != '\'' && quote != '"') {
      ++i;
      continue;
    }
    std::size_t end = text.find(quote, i + 1);
    if (end == std::string_view::npos) break;
    items.push_back(text.substr(i + 1, end - i - 1));
    i = end + 1;
  }
  return items;
}

// torch.export marks repeated calls of one module as "path@1", "path@2".
std::string_view without_call_suffix(std::string_view path) {
  std::size_t at = path.rfind('@');
  if (at == std::string_view::npos || at + 1 == path.size()) return path;
  for (std::size_t i = at + 1; i < path.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(path[i]))) return path;
  }
  return path.substr(0, at);
}

}  // namespace

bool ScopeResolver::strip_root(std::string_view& path) const {
  if (scope_root_.empty()) return true;
  if (path == scope_root_) {
    path = {};
    return true;
  }
  if (path.size() > scope_root_.size() && path.substr(0, scope_root_.size()) == scope_root_ &&
      path[scope_root_.size()] == '.') {
    path.remove_prefix(scope_root_.size() + 1);
    return true;
  }
  return false;
}

int ScopeResolver::deepest_known(std::string_view path) const {
  // Component-wise: "layer.1" is tried, never a character prefix of "layer.10". A scope below
  // a listed module (an activation object created in forward) maps to that module; a scope
  // that matches nothing below the root is not a recorded module at all.
  const bool root_itself = path.empty();
  while (true) {
    int index = tree_.find(path);
    if (index != kNoModule) return index != ModuleTree::root() || root_itself ? index : kNoModule;
    std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos) return root_itself ? ModuleTree::root() : kNoModule;
    path = path.substr(0, dot);
  }
}

int ScopeResolver::resolve(const onnx::NodeProto& node) const {
  for (const auto& prop : node.metadata_props()) {
    if (prop.key() == kNameScopesKey) return resolve_name_scopes(prop.value());
  }
  return resolve_node_name(node.name());
}

int ScopeResolver::resolve_name_scopes(std::string_view value) const {
  std::vector<std::string_view> scopes = python_string_list(value);
  // The last entry names the FX node itself; the one before is its innermost module.
  if (scopes.size() < 2) return kNoModule;
  std::string_view path = without_call_suffix(scopes[scopes.size() - 2]);
  if (!strip_root(path)) return kNoModule;
  return deepest_known(path);
}

int ScopeResolver::resolve_node_name(std::string_view name) const {
  if (name.empty() || name.front() != '/') return kNoModule;
  std::vector<std::string_view> parts;
  for (std::size_t start = 1; start < name.size();) {
    std::size_t slash = name.find('/', start);
    std::string_view part = name.substr(start, slash - start);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2) return kNoModule;  // no scope, only the operator's own name
  parts.pop_back();
  std::size_t first = 0;
  if (!scope_root_.empty()) {
    if (parts[0] != scope_root_) return kNoModule;
    first = 1;
  }
  int current = ModuleTree::root();
  std::string path;
  for (std::size_t i = first; i < parts.size(); ++i) {
    std::string candidate =
        path.empty() ? std::string(parts[i]) : path + "." + std::string(parts[i]);
    int found = tree_.find(candidate);
    if (found == kNoModule && current != ModuleTree::root()) {
      // TorchScript repeats a container's name: /layer/layer.0/ means layer.0 under the
      // parent of `layer`, not layer.layer.0.
      const std::string& parent = tree_.at(tree_.at(current).parent).path;
      std::string sibling =
          parent.empty() ? std::string(parts[i]) : parent + "." + std::string(parts[i]);
      found = tree_.find(sibling);
      if (found != kNoModule) candidate = sibling;
    }
    if (found == kNoModule) break;
    current = found;
    path = candidate;
  }
  return current;
}

}  // namespace modelexport::hierarchy
