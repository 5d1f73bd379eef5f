// modelexport-inspect: prints what a package holds (task, inputs/outputs, source, metadata),
// with no Python. Exit codes: 0 ok, 1 error, 2 bad usage.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/usage_error.h"
#include "modelexport/package_info.h"

namespace {

std::string shape_text(const nlohmann::ordered_json& shape) {
  if (shape.is_null()) return "unknown";
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += shape[i].is_string() ? shape[i].get<std::string>() : shape[i].dump();
  }
  return text + "]";
}

void print_text(const nlohmann::ordered_json& info) {
  std::cout << "model:    " << info["model_path"].get<std::string>() << "\n";
  std::cout << "task:     " << (info["task"].is_null() ? "(none)" : info["task"].get<std::string>())
            << "\n";
  std::cout << "producer: " << info["producer"].get<std::string>() << ", " << info["node_count"]
            << " nodes\n";
  for (const char* side : {"inputs", "outputs"}) {
    std::cout << side << ":\n";
    for (const auto& t : info[side]) {
      std::cout << "  " << t["name"].get<std::string>() << "  " << t["type"].get<std::string>()
                << "  " << shape_text(t["shape"]) << "\n";
    }
  }
  std::cout << "metadata:\n";
  for (const auto& [key, value] : info["metadata"].items()) {
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (text.size() > 100) text = text.substr(0, 97) + "...";
    std::cout << "  " << key << " = " << text << "\n";
  }
  std::cout << "files:\n";
  for (const auto& f : info["files"]) {
    std::cout << "  " << f["name"].get<std::string>() << "  " << f["bytes"] << " bytes\n";
  }
  if (info.value("self_contained", false)) {
    std::cout << "embedded files (single file):\n";
    for (const auto& f : info["embedded_files"]) {
      std::cout << "  " << f["name"].get<std::string>() << "  " << f["bytes"] << " bytes ("
                << f["stored_bytes"] << " stored, crc32 " << f["crc32"].get<std::string>() << ")\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "modelexport-inspect";
  CLI::App app(
      "Prints what a package holds (task, inputs/outputs, source, metadata). Exit codes: "
      "0 ok, 1 error, 2 bad usage.",
      program);
  std::string path;
  bool as_json = false;
  app.add_option("PATH", path, "a package directory, its model.onnx or a single-file package")
      ->required();
  app.add_flag("--json", as_json, "print the description as JSON");
  const std::vector<std::string> args(argv, argv + argc);
  if (const auto code = modelexport::cli::parse_command_line(app, args, std::cout, std::cerr)) {
    return *code;
  }
  return modelexport::cli::run_guarded(program, std::cerr, [&] {
    const std::string description = modelexport::describe_package_json(path);
    if (as_json) {
      std::cout << description << "\n";
    } else {
      print_text(nlohmann::ordered_json::parse(description));
    }
  });
}
