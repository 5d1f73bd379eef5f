// modelexport-run: runs a package's pipeline with no Python (the same command as
// `modelexport run`, see cpp/src/cli/run_command.h).
#include <iostream>
#include <string>
#include <vector>

#include "cli/run_command.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  const int code = modelexport::cli::run_command(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
