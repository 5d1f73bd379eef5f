// The hierarchy document (model_hierarchy.json): module tree with node counts and statistics.
// Written by the projection of a fresh export and again after graph passes.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hierarchy/module_tree.h"
#include "modelexport/hierarchy.h"

namespace modelexport::hierarchy {

// `own_nodes[i]`: nodes tagged with module i; `extra` entries are added to "statistics".
std::string hierarchy_document(
    const ModuleTree& tree, const std::vector<std::size_t>& own_nodes, const ProjectionStats& stats,
    bool tagged, const nlohmann::ordered_json& extra = nlohmann::ordered_json::object());

}  // namespace modelexport::hierarchy
