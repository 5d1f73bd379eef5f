// Results shaped like the transformers pipelines (see result_json.h).
#include "cli/result_json.h"

namespace modelexport::cli {

std::vector<nlohmann::json> text_classification_json(
    const std::vector<std::vector<ScoredLabel>>& results) {
  std::vector<nlohmann::json> out;
  for (const auto& labels : results) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& l : labels) list.push_back({{"label", l.label}, {"score", l.score}});
    out.push_back(std::move(list));
  }
  return out;
}

std::vector<nlohmann::json> fill_mask_json(
    const std::vector<std::vector<std::vector<FillMaskCandidate>>>& results) {
  std::vector<nlohmann::json> out;
  for (const auto& masks : results) {
    nlohmann::json per_mask = nlohmann::json::array();
    for (const auto& candidates : masks) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : candidates) {
        list.push_back({{"score", c.score},
                        {"token", c.token},
                        {"token_str", c.token_str},
                        {"sequence", c.sequence}});
      }
      per_mask.push_back(std::move(list));
    }
    // One mask: its candidate list, as transformers returns it; several: one list each.
    out.push_back(per_mask.size() == 1 ? per_mask[0] : per_mask);
  }
  return out;
}

std::vector<nlohmann::json> token_classification_json(
    const std::vector<std::vector<TokenEntity>>& results, bool grouped) {
  std::vector<nlohmann::json> out;
  for (const auto& entities : results) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : entities) {
      nlohmann::json item;
      item[grouped ? "entity_group" : "entity"] = e.entity;
      item["score"] = e.score;
      if (e.index) item["index"] = *e.index;
      item["word"] = e.word;
      item["start"] = e.start;
      item["end"] = e.end;
      list.push_back(std::move(item));
    }
    out.push_back(std::move(list));
  }
  return out;
}

std::vector<nlohmann::json> question_answering_json(
    const std::vector<std::vector<Answer>>& results) {
  std::vector<nlohmann::json> out;
  for (const auto& answers : results) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : answers) {
      list.push_back(
          {{"score", a.score}, {"start", a.start}, {"end", a.end}, {"answer", a.answer}});
    }
    // One answer: the object, as transformers returns it; several: the list.
    out.push_back(list.size() == 1 ? list[0] : list);
  }
  return out;
}

}  // namespace modelexport::cli
