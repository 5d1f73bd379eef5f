// automatic-speech-recognition for CTC models: greedy CTC decoding with the Wav2Vec2CTCTokenizer
// rules, timestamps, and transformers' chunking of long audio.
#include "pipelines/task_support.h"

namespace modelexport {

TaskInfo automatic_speech_recognition_task() {
  TaskInfo task = pipelines::audio_task("automatic-speech-recognition", "AutoModelForCTC",
                                        "ORTModelForCTC", {"logits"}, {"ForCTC"});
  return task;
}

}  // namespace modelexport
