// Bindings of the native pipelines: one Pipeline class for every task (create_pipeline()),
// with inputs and options converted to Values and the results, shaped by the task's C++ code,
// converted back to the dicts and lists transformers returns.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <iostream>
#include <limits>

#include "cli/run_command.h"
#include "modelexport/audio.h"
#include "modelexport/limits.h"
#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "modelexport/profile.h"

namespace nb = nanobind;
using namespace nb::literals;
using modelexport::Value;

namespace {

bool is_pil_image(nb::handle object) {
  const nb::object module = nb::getattr(object.type(), "__module__", nb::none());
  return nb::isinstance<nb::str>(module) &&
         std::string(nb::borrow<nb::str>(module).c_str()).rfind("PIL.", 0) == 0 &&
         nb::hasattr(object, "convert") && nb::hasattr(object, "getexif");
}

// A uint8 array (or anything numpy.asarray turns into one): H x W (gray), H x W x 1, 3 (RGB) or
// 4 (RGBA, alpha dropped as Pillow's convert("RGB") drops it) -> an image Value.
Value pixels_value(nb::handle object) {
  nb::object array = nb::module_::import_("numpy").attr("ascontiguousarray")(object);
  const std::string dtype = nb::borrow<nb::str>(array.attr("dtype").attr("name")).c_str();
  std::vector<std::size_t> shape;
  for (nb::handle dim : array.attr("shape")) shape.push_back(PyLong_AsSize_t(dim.ptr()));
  const std::size_t channels = shape.size() == 3 ? shape[2] : 1;
  if (dtype != "uint8" || (shape.size() != 2 && shape.size() != 3) ||
      (channels != 1 && channels != 3 && channels != 4)) {
    std::string dims;
    for (auto d : shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
    throw modelexport::PipelineError("pixel arrays must be uint8 HxW, HxWx3 or HxWx4, got " +
                                     dtype + " " + (dims.empty() ? "scalar" : dims));
  }
  const nb::bytes raw = nb::borrow<nb::bytes>(array.attr("tobytes")());
  const auto* data = reinterpret_cast<const std::uint8_t*>(raw.c_str());
  modelexport::Image image;
  image.height = shape[0];
  image.width = shape[1];
  image.channels = channels == 1 ? 1 : 3;
  const std::size_t count = image.width * image.height;
  if (channels == 4) {
    image.pixels.reserve(count * 3);
    for (std::size_t p = 0; p < count; ++p) {
      image.pixels.insert(image.pixels.end(), data + p * 4, data + p * 4 + 3);
    }
  } else {
    image.pixels.assign(data, data + count * channels);
  }
  return Value::image(std::move(image));
}

// A float array -> an audio Value: 1-D mono samples, or 2-D (channels, samples) as transformers
// reads multi-channel arrays; at the model's rate unless a {"raw", "sampling_rate"} dict says
// otherwise (audio_inputs reads the dict).
Value samples_value(nb::handle object) {
  nb::object numpy = nb::module_::import_("numpy");
  nb::object array = numpy.attr("ascontiguousarray")(object, "float32");
  std::vector<std::size_t> shape;
  for (nb::handle dim : array.attr("shape")) shape.push_back(PyLong_AsSize_t(dim.ptr()));
  if (shape.size() != 1 && shape.size() != 2) {
    throw modelexport::PipelineError(
        "audio arrays must be 1-D (samples) or 2-D (channels, samples), got " +
        std::to_string(shape.size()) + " dimensions");
  }
  modelexport::Audio audio;
  audio.channels = shape.size() == 2 ? shape[0] : 1;
  if (audio.channels == 0 || audio.channels > modelexport::limits::kMaxAudioChannels) {
    throw modelexport::PipelineError("audio arrays take axis 0 as channels: " +
                                     std::to_string(audio.channels) + " channels is not audio");
  }
  const std::size_t frames = shape.back();
  const nb::bytes raw = nb::borrow<nb::bytes>(array.attr("tobytes")());
  const auto* data = reinterpret_cast<const float*>(raw.c_str());
  audio.samples.resize(frames * audio.channels);
  // (channels, samples) planes -> interleaved frames.
  for (std::size_t c = 0; c < audio.channels; ++c) {
    for (std::size_t f = 0; f < frames; ++f)
      audio.samples[f * audio.channels + c] = data[c * frames + f];
  }
  return Value::audio(std::move(audio));
}

// Audio (mono or channels) as a float32 numpy array shaped as samples_value takes it.
nb::object audio_to_python(const modelexport::Audio& audio) {
  nb::object numpy = nb::module_::import_("numpy");
  nb::object array = numpy.attr("frombuffer")(
      nb::bytes(audio.samples.data(), audio.samples.size() * sizeof(float)), "float32");
  if (audio.channels > 1) array = array.attr("reshape")(audio.frames(), audio.channels).attr("T");
  return numpy.attr("ascontiguousarray")(array);
}

// An image result (a mask) as a PIL image when Pillow is installed, else a uint8 numpy array.
nb::object image_to_python(const modelexport::Image& image) {
  nb::object numpy = nb::module_::import_("numpy");
  nb::object array =
      numpy.attr("frombuffer")(nb::bytes(image.pixels.data(), image.pixels.size()), "uint8");
  array = image.channels == 1 ? array.attr("reshape")(image.height, image.width)
                              : array.attr("reshape")(image.height, image.width, image.channels);
  try {
    return nb::module_::import_("PIL.Image").attr("fromarray")(array.attr("copy")());
  } catch (const nb::python_error& e) {
    if (!e.matches(PyExc_ImportError)) throw;
    return array.attr("copy")();
  }
}

// A Python object as a Value: None, bool, int, float, str, dict (str keys), list or tuple;
// bytes (an encoded image or audio file), a PIL image, a uint8 array (pixels) or a float array
// (audio samples).
Value to_value(nb::handle object, int depth = 0) {
  if (depth > 64) throw modelexport::PipelineError("inputs nest too deeply");
  PyObject* o = object.ptr();
  if (object.is_none()) return Value();
  if (PyBool_Check(o)) return Value(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    const long long number = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0) {
      throw modelexport::PipelineError(std::string("integer ") + nb::repr(object).c_str() +
                                       " is out of range");
    }
    return Value(static_cast<std::int64_t>(number));
  }
  if (PyFloat_Check(o)) return Value(PyFloat_AsDouble(o));
  // Arrays (audio samples or pixels) before numpy scalars: an array also looks like a
  // number (__index__, __float__), but only a 0-d one is one.
  if (nb::hasattr(object, "__array_interface__") && nb::hasattr(object, "ndim") &&
      PyLong_AsLong(object.attr("ndim").ptr()) > 0) {
    // 1-D and 2-D float arrays are audio (samples, or channels x samples); the rest pixels,
    // whose reader names what it takes.
    const std::string kind = nb::borrow<nb::str>(object.attr("dtype").attr("kind")).c_str();
    const long ndim = PyLong_AsLong(object.attr("ndim").ptr());
    return kind == "f" && ndim <= 2 ? samples_value(object) : pixels_value(object);
  }
  // numpy integer and floating scalars, as transformers accepts them.
  if (PyIndex_Check(o)) {
    PyObject* index = PyNumber_Index(o);
    if (index == nullptr) throw nb::python_error();
    return to_value(nb::steal(index), depth);
  }
  if (nb::hasattr(object, "dtype") && nb::hasattr(object, "__float__")) {
    const double number = PyFloat_AsDouble(o);
    if (number == -1.0 && PyErr_Occurred() != nullptr) throw nb::python_error();
    return Value(number);
  }
  if (PyUnicode_Check(o)) {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(o, &size);
    if (text == nullptr) {
      PyErr_Clear();
      throw modelexport::PipelineError("a string is not valid Unicode");
    }
    return Value(std::string(text, static_cast<std::size_t>(size)));
  }
  if (PyBytes_Check(o) || PyByteArray_Check(o)) {
    // An encoded image file's contents, as transformers' load_image takes bytes.
    const nb::bytes data = nb::steal<nb::bytes>(PyBytes_FromObject(o));
    return Value::bytes(std::string(data.c_str(), data.size()));
  }
  if (is_pil_image(object)) {
    // transformers' load_image for a PIL image: EXIF orientation applied, converted to RGB.
    nb::object upright = nb::module_::import_("PIL.ImageOps").attr("exif_transpose")(object);
    return pixels_value(upright.attr("convert")("RGB"));
  }
  if (PyDict_Check(o)) {
    Value::Object members;
    for (auto [key, item] : nb::borrow<nb::dict>(object)) {
      if (!PyUnicode_Check(key.ptr())) {
        throw modelexport::PipelineError("dict keys must be strings");
      }
      members.emplace_back(nb::cast<std::string>(key), to_value(item, depth + 1));
    }
    return Value(std::move(members));
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Value::Array items;
    for (nb::handle item : object) items.push_back(to_value(item, depth + 1));
    return Value(std::move(items));
  }
  throw modelexport::PipelineError(std::string("unsupported input of type ") +
                                   nb::type_name(object.type()).c_str());
}

nb::object to_python(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return nb::none();
    case Value::Kind::kBool:
      return nb::bool_(value.as_bool());
    case Value::Kind::kInt:
      return nb::int_(value.as_int());
    case Value::Kind::kNumber:
      return nb::float_(value.as_number());
    case Value::Kind::kFloat32: {
      // Looked up once and kept for the process (no C++ static guard around a Python import,
      // no destructor after the interpreter has gone); two threads racing here both store a
      // valid reference.
      static PyObject* float32 = nullptr;
      if (float32 == nullptr) {
        float32 = nb::object(nb::module_::import_("numpy").attr("float32")).release().ptr();
      }
      return nb::borrow(float32)(value.as_number());
    }
    case Value::Kind::kString:
      return nb::str(value.as_string().data(), value.as_string().size());
    case Value::Kind::kArray: {
      nb::list list;
      for (const auto& item : value.as_array()) list.append(to_python(item));
      return list;
    }
    case Value::Kind::kBytes:
      return nb::bytes(value.as_bytes().data(), value.as_bytes().size());
    case Value::Kind::kImage:
      return image_to_python(value.as_image());
    case Value::Kind::kAudio:
      return audio_to_python(value.as_audio());
    case Value::Kind::kTuple: {
      nb::list list;
      for (const auto& item : value.as_tuple()) list.append(to_python(item));
      return nb::tuple(list);
    }
    case Value::Kind::kObject: {
      nb::dict dict;
      for (const auto& [key, member] : value.as_object()) dict[key.c_str()] = to_python(member);
      return dict;
    }
  }
  return nb::none();
}

// Thread counts come from Python as arbitrary objects: anything but a non-negative int of a
// sane size is a ValueError naming the argument.
int threads_arg(nb::handle value) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    throw std::invalid_argument(std::string("threads must be an integer, got ") +
                                nb::type_name(value.type()).c_str());
  }
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow != 0 || number < 0 || number > std::numeric_limits<int>::max()) {
    throw std::invalid_argument(std::string("threads must be a non-negative integer, got ") +
                                nb::repr(value).c_str());
  }
  return static_cast<int>(number);
}

struct NativePipeline {
  std::unique_ptr<modelexport::Pipeline> pipeline;
};

}  // namespace

void bind_pipelines(nb::module_& m) {
  nb::exception<modelexport::PipelineError>(m, "PipelineError", PyExc_ValueError);

  m.def(
      "run_command",
      [](const std::vector<nb::bytes>& raw) {
        // Arguments as bytes: the command line may hold any bytes (os.fsencode), not only UTF-8.
        std::vector<std::string> args;
        for (const auto& arg : raw) args.emplace_back(arg.c_str(), arg.size());
        nb::gil_scoped_release release;
        const int code = modelexport::cli::run_command(args, std::cout, std::cerr);
        std::cout.flush();
        std::cerr.flush();
        return code;
      },
      "args"_a,
      "`modelexport-run` in process: args[0] names the program; prints the results on stdout "
      "and one line per problem on stderr; returns the exit code (0, 1 error, 2 bad usage).");

  m.def(
      "package_task",
      [](const std::string& path) { return modelexport::Package::open(path).task(); }, "path"_a,
      "The pipeline task of a package (metadata, else config.json architectures).");

  m.def(
      "profile_package",
      [](const std::string& path, nb::handle inputs, std::size_t runs, int intra_op_threads,
         int inter_op_threads, const std::string& trace_path, int trace_depth) {
        const Value input_value = inputs.is_none() ? Value() : to_value(inputs);
        modelexport::ProfileOptions options;
        options.runs = runs;
        options.intra_op_threads = intra_op_threads;
        options.inter_op_threads = inter_op_threads;
        options.trace_path = trace_path;
        options.trace_depth = trace_depth;
        nb::gil_scoped_release release;
        return modelexport::profile_package_json(path, input_value, options);
      },
      "path"_a, "inputs"_a.none(), "runs"_a = 10, "intra_op_threads"_a = 0,
      "inter_op_threads"_a = 0, "trace_path"_a = "", "trace_depth"_a = 3,
      "Profiles the package's pipeline on `inputs` (None: a default text) under ONNX Runtime's "
      "profiler; node times attributed to modules. Returns the profile as JSON text.");

  nb::class_<NativePipeline>(
      m, "Pipeline",
      "The native pipeline of a package's task (create_pipeline() of the C++ runtime).")
      .def(
          "__init__",
          [](NativePipeline* self, const std::string& path, const std::string& task,
             nb::handle threads, std::optional<std::size_t> max_image_pixels,
             std::optional<double> max_audio_seconds) {
            modelexport::PipelineOptions options;
            options.task = task;
            options.session.intra_op_threads = threads_arg(threads);
            if (max_image_pixels) {
              if (*max_image_pixels == 0) {
                throw std::invalid_argument("max_image_pixels must be positive");
              }
              options.image_decode.max_pixels = *max_image_pixels;
            }
            if (max_audio_seconds) {
              if (!(*max_audio_seconds > 0) || !std::isfinite(*max_audio_seconds)) {
                throw std::invalid_argument("max_audio_seconds must be a positive number");
              }
              options.audio_decode.max_seconds = *max_audio_seconds;
            }
            nb::gil_scoped_release release;
            new (self) NativePipeline{modelexport::create_pipeline(path, options)};
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0), "max_image_pixels"_a = nb::none(),
          "max_audio_seconds"_a = nb::none())
      .def_prop_ro(
          "task", [](const NativePipeline& self) { return self.pipeline->task().name; },
          "The task's name.")
      .def_prop_ro(
          "option_names",
          [](const NativePipeline& self) {
            std::vector<std::string> names;
            for (const auto& option : self.pipeline->task().options) names.push_back(option.name);
            return names;
          },
          "The call options the task takes (transformers' keyword arguments).")
      .def(
          "check_options",
          [](const NativePipeline& self, nb::handle options) {
            return to_python(self.pipeline->checked_options(to_value(options)));
          },
          "options"_a,
          "The options checked against the task's schema, defaults filled in; PipelineError "
          "(a ValueError) for unknown names and wrong kinds.")
      .def(
          "__call__",
          [](const NativePipeline& self, nb::handle inputs, nb::handle options) {
            const Value input_value = to_value(inputs);
            const Value option_value = to_value(options);
            Value result;
            {
              nb::gil_scoped_release release;
              result = (*self.pipeline)(input_value, option_value);
            }
            return to_python(result);
          },
          "inputs"_a.none(), "options"_a,
          "transformers' call: one input or a list (None when the options carry them); the "
          "result as transformers returns it.");
}
