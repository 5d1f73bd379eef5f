// Which module each node of the graph ONNX Runtime ran belongs to. ONNX Runtime's session
// optimizations fuse, rename and insert nodes; the package's graph carries the hierarchy tags.
// The projection rules, in order:
//   same name  a node the optimizer kept has the module of the package's node of that name;
//   fused      a new node gets the common module of the package's nodes it replaced: those that
//              are gone from the run graph and lie between its inputs and its outputs;
//   inherited  a node with neither (inserted casts, layout changes, fused nodes with new output
//              names) gets the common module of its consumers, else of its producers;
//   root       the last resort.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onnx/onnx-ml.pb.h"

namespace modelexport::profile {

// The module tree as the profile shows it: paths, classes, parents; containers (ModuleList,
// ModuleDict) never run, so a common module is never one.
class ModuleIndex {
 public:
  struct Entry {
    std::string path;
    std::string class_name;
    bool container = false;
    int parent = -1;
    std::vector<int> children;
  };

  // From model_hierarchy.json's text ("tree": {path, class, tag, children}); an empty text gives
  // a tree of the paths add() is given. Throws std::invalid_argument naming `origin` when the
  // document is not a hierarchy document.
  ModuleIndex(const std::string& hierarchy_json, const std::string& origin);

  // The module's index, adding it (and its missing parents) when the tree lacks it.
  int add(std::string_view path);
  int find(std::string_view path) const;
  const Entry& at(int index) const { return entries_[static_cast<std::size_t>(index)]; }
  int size() const { return static_cast<int>(entries_.size()); }
  // The deepest non-container module containing both.
  std::string common(std::string_view a, std::string_view b);
  // Non-container depth of the module (root 0).
  int depth(int index) const;

 private:
  int insert(const std::string& path, const std::string& class_name, bool container, int parent);
  std::vector<Entry> entries_;
  std::unordered_map<std::string, int> by_path_;
};

enum class Rule { kSameName, kFused, kInherited, kRoot };
const char* rule_name(Rule rule);

struct NodeModule {
  std::string module;
  Rule rule = Rule::kRoot;
};

// Module of every node of `executed` (by name), from the tags of `tagged`. Throws
// std::invalid_argument when `tagged` has no node with a module tag (--clean-onnx).
std::unordered_map<std::string, NodeModule> attribute_nodes(const onnx::GraphProto& tagged,
                                                            const onnx::GraphProto& executed,
                                                            ModuleIndex& modules);

}  // namespace modelexport::profile
