// Inputs of the audio tasks as Values: a file path, a file's encoded bytes, samples (an audio
// Value: a numpy array in Python, taken to be at the model's rate) or {"raw" | "array": samples,
// "sampling_rate": Hz} as transformers takes them.
#pragma once

#include <string>
#include <vector>

#include "modelexport/audio.h"
#include "modelexport/audio_decode.h"
#include "modelexport/value.h"
#include "pipelines/model_runner.h"
#include "processors/audio_processor.h"

namespace modelexport::pipelines {

// Each input decoded (files and bytes: mixed down and resampled to `model_rate` while
// decoding) or checked (samples: finite, a rate within the limits, not longer than
// options.max_seconds). Throws PipelineError naming the input (its path, or "input N").
std::vector<Audio> audio_inputs(const std::vector<Value>& inputs, double model_rate,
                                const AudioDecodeOptions& options);

// Each clip prepared by `processor`; a clip it refuses is a PipelineError naming it.
std::vector<processors::Prepared> prepare_clips(const processors::AudioProcessor& processor,
                                                const std::vector<Audio>& clips);

// Runs prepared clips in the shape policy's batches; where padding would change results
// (processor.padding_changes_results()) a batch holds clips of one length only. Rows come back
// in the clips' order.
std::vector<ModelRunner::Row> run_clips(const ModelRunner& runner,
                                        const processors::AudioProcessor& processor,
                                        std::vector<processors::Prepared> clips,
                                        const std::vector<std::string>& outputs);

}  // namespace modelexport::pipelines
