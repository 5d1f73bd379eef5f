// The PyTorch module tree as the hierarchy algorithms need it: index by path, parents, depths,
// lowest common ancestors, and the labels written into node tags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "modelexport/hierarchy.h"

namespace modelexport::hierarchy {

inline constexpr int kNoModule = -1;

struct Module {
  std::string path;
  std::string class_name;
  std::int64_t own_parameters = 0;
  bool container = false;
  int parent = kNoModule;
  int depth = 0;
  std::vector<int> children;
  std::string local_name;  // last path component ("query"; "0" under a container)
  std::string tag;         // /BertModel/BertEncoder/BertLayer.0/BertAttention
  std::string ns;          // Model Explorer namespace: encoder: BertEncoder/layer.0: BertLayer
};

class ModuleTree {
 public:
  // Builds the tree; parents of listed paths that are missing are created as containers.
  explicit ModuleTree(const std::vector<ModuleInfo>& modules);

  static constexpr int root() { return 0; }
  const Module& at(int index) const { return modules_[static_cast<std::size_t>(index)]; }
  int size() const { return static_cast<int>(modules_.size()); }
  // kNoModule when `path` is not in the tree.
  int find(std::string_view path) const;
  // The deepest module containing both; never a container (they never run), so tags stay
  // consistent with the module path.
  int lowest_common_ancestor(int a, int b) const;

 private:
  int add(const std::string& path);
  void label(int index);

  std::vector<Module> modules_;
  std::unordered_map<std::string, int> by_path_;
};

// Components of a dotted module path; "" has none.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace modelexport::hierarchy
