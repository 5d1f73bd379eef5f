// The one result shaper: pipeline results as the JSON the transformers pipelines return, for
// the command line and (later) the server.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport::cli {

// Per input: [{"label", "score"}, ...].
std::vector<nlohmann::json> text_classification_json(
    const std::vector<std::vector<ScoredLabel>>& results);
// Per input: the candidate list of its mask; several masks: one list each.
std::vector<nlohmann::json> fill_mask_json(
    const std::vector<std::vector<std::vector<FillMaskCandidate>>>& results);
// Per input: entities ("entity_group" when `grouped`, else "entity" and "index").
std::vector<nlohmann::json> token_classification_json(
    const std::vector<std::vector<TokenEntity>>& results, bool grouped);
// Per input: the answer object when there is one, else the list.
std::vector<nlohmann::json> question_answering_json(
    const std::vector<std::vector<Answer>>& results);

}  // namespace modelexport::cli
