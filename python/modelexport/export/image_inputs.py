"""Image models: the model's own image processor (AutoImageProcessor), pixel inputs it builds from
deterministic synthetic images, the image shapes of the graph, its metadata and files.

Image size of the graph (H x W), from the processor's preprocessor_config.json:
- it center-crops (`do_center_crop` and `crop_size`): the crop size;
- `size` {height, width}: that size;
- `size` {shortest_edge} alone (ConvNeXt's processor: crop_pct or a square resize): a square;
- `size` {shortest_edge, longest_edge} (DETR, YOLOS: aspect kept, batches padded with
  pixel_mask): a longest_edge x longest_edge canvas the images are padded into;
- `--image-size HxW` instead: the processor's sizes are rewritten to give H x W (and saved so).
Dynamic exports make the batch dynamic and try dynamic height/width too; a model whose graph
does not export or validate that way (ViT-style patch embeddings that check the size) keeps
fixed height/width, with a note in the package."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport.errors import ModelExportError
from modelexport.export.inputs import ModalityInputs, ShapePlan, first_line

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

# The inputs an image model's exported graph may take, in graph order.
IMAGE_INPUT_NAMES = ("pixel_values", "pixel_mask")
# (height, width) of the synthetic images: several sizes and aspect ratios, portrait and
# landscape, so resizing, cropping and padding all see work.
EXAMPLE_IMAGE_SIZES = ((48, 64), (64, 40), (50, 50), (80, 120))
# Other sizes than the examples, so validation sees images the trace did not.
OTHER_IMAGE_SIZES = ((100, 70), (33, 90), (64, 64))
_EXAMPLE_SEED = 0
_OTHER_SEED = 1
_PROCESSOR_SUFFIXES = ("Pil", "Fast")


def synthetic_images(sizes: tuple[tuple[int, int], ...], seed: int, count: int) -> list[Any]:
    """`count` deterministic RGB images (uint8 H x W x 3) cycling through `sizes`: smooth
    gradients plus noise, so resampling sees structure as well as detail."""
    rng = np.random.default_rng(seed)
    images = []
    for index in range(count):
        height, width = sizes[index % len(sizes)]
        y = np.linspace(0.0, 1.0, height)[:, None, None]
        x = np.linspace(0.0, 1.0, width)[None, :, None]
        phase = rng.uniform(0.0, 1.0, (1, 1, 3))
        smooth = 127.5 * (1.0 + np.sin(2 * np.pi * (x * (1 + phase) + y * (2 - phase) + phase)))
        noise = rng.normal(0.0, 24.0, (height, width, 3))
        images.append(np.clip(smooth + noise, 0, 255).astype(np.uint8))
    return images


def _edge_sizes(value: Any) -> dict[str, int]:
    if isinstance(value, int):
        return {"height": value, "width": value}
    return dict(value or {})


def layout(config: dict[str, Any]) -> str:
    """How the processor sizes images: "crop", "exact" (size {height, width}), "square"
    (size {shortest_edge} alone), "canvas" (aspect kept within limits, padded) or "unknown"."""
    size = _edge_sizes(config.get("size"))
    if config.get("do_center_crop") and config.get("crop_size"):
        return "crop"
    if "height" in size and "width" in size:
        return "exact"
    if "shortest_edge" in size and "longest_edge" in size:
        return "canvas"
    if "max_height" in size and "max_width" in size:
        return "canvas"
    if "shortest_edge" in size:
        return "square"
    return "unknown"


def processed_image_size(config: dict[str, Any]) -> tuple[int, int]:
    """(height, width) of the graph's images for a preprocessor_config.json (module docstring)."""
    size = _edge_sizes(config.get("size"))
    kind = layout(config)
    if kind == "crop":
        crop = _edge_sizes(config["crop_size"])
        return crop["height"], crop["width"]
    if kind == "exact":
        return size["height"], size["width"]
    if kind == "canvas":
        if "longest_edge" in size:
            return size["longest_edge"], size["longest_edge"]
        return size["max_height"], size["max_width"]
    if kind == "square":
        return size["shortest_edge"], size["shortest_edge"]
    raise ModelExportError(
        f"cannot tell the image size from preprocessor_config.json (size {size!r}); "
        "give --image-size HxW"
    )


def size_overrides(config: dict[str, Any], height: int, width: int) -> dict[str, Any]:
    """Processor settings that make it produce `height` x `width` images (the canvas, for
    padding processors), following its own layout: a cropping processor crops to it (resizing
    in proportion first), an exact one resizes to it."""
    size = _edge_sizes(config.get("size"))
    kind = layout(config)
    if kind == "crop":
        crop = _edge_sizes(config["crop_size"])
        if "height" in size and "width" in size:
            new_size = {
                "height": math.ceil(height * size["height"] / crop["height"]),
                "width": math.ceil(width * size["width"] / crop["width"]),
            }
        else:
            scale = size.get("shortest_edge", min(crop.values())) / min(crop.values())
            new_size = {"shortest_edge": math.ceil(max(height, width) * scale)}
        return {"size": new_size, "crop_size": {"height": height, "width": width}}
    if kind == "exact":
        return {"size": {"height": height, "width": width}}
    if kind == "square":
        if height != width:
            raise ModelExportError(
                f"this model's processor makes square images (size {size}); "
                f"--image-size must be square, got {height}x{width}"
            )
        return {"size": {"shortest_edge": height}}
    if kind == "canvas":
        if "longest_edge" in size:
            # Every image must fit the canvas whatever its orientation: its longest edge at
            # most the canvas' shorter side, the shortest edge in the source's proportion.
            longest = min(height, width)
            shortest = max(1, round(longest * size["shortest_edge"] / size["longest_edge"]))
            return {"size": {"shortest_edge": shortest, "longest_edge": longest}}
        return {"size": {"max_height": height, "max_width": width}}
    raise ModelExportError(f"cannot resize for this processor (size {size!r})")


def parse_image_size(text: str) -> tuple[int, int]:
    """`--image-size` "HxW" (or "N" for N x N)."""
    parts = text.lower().split("x")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) == 1:
        values = values * 2
    if len(values) != 2 or min(values) < 1:
        raise ModelExportError(f"--image-size must be HxW with positive integers, got '{text}'")
    return values[0], values[1]


def _processor_type(processor: Any, saved: dict[str, Any]) -> str:
    name = saved.get("image_processor_type") or type(processor).__name__
    for suffix in _PROCESSOR_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


class ImageInputs(ModalityInputs):
    """An image model's image processor and the pixel inputs built with it."""

    files_description = "preprocessor_config.json"

    def __init__(
        self,
        source: ModelSource,
        spec: TaskSpec,
        trust_remote_code: bool,
        *,
        image_size: tuple[int, int] | None,
    ) -> None:
        import transformers

        self.source = source
        self.spec = spec
        try:
            processor = transformers.AutoImageProcessor.from_pretrained(
                source.path, trust_remote_code=trust_remote_code
            )
            if image_size is not None:
                overrides = size_overrides(_saved_config(processor), *image_size)
                processor = transformers.AutoImageProcessor.from_pretrained(
                    source.path, trust_remote_code=trust_remote_code, **overrides
                )
        except ModelExportError:
            raise
        except Exception as error:
            raise ModelExportError(
                f"{source.path}: cannot load an image processor ({first_line(error)})"
            ) from None
        self.processor = processor
        self.config = _saved_config(processor)
        self.layout = layout(self.config)
        self.height, self.width = image_size or processed_image_size(self.config)

    def prepare_model(self, model: Any) -> None:
        # Eager attention: torch 2.13's decompositions fail on the SDPA attention of several
        # vision transformers (BEiT, Swin: "Cannot view a tensor ... as a tensor with shape"),
        # after a slow trace; eager attention is the same arithmetic, unfused, and exports.
        if getattr(model.config, "_attn_implementation", None) == "sdpa":
            with contextlib.suppress(Exception):  # a model that has SDPA only keeps it
                model.set_attn_implementation("eager")

    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        produced = set(getattr(self.processor, "model_input_names", None) or ["pixel_values"])
        produced.add("pixel_values")
        return [n for n in IMAGE_INPUT_NAMES if n in produced and n in forward_parameters]

    def _process(
        self,
        images: list[Any],
        input_names: list[str],
        canvas: tuple[int, int] | None,
        **kwargs: Any,
    ) -> dict[str, np.ndarray]:
        """The processor's pixel inputs for `images`; padding processors pad into `canvas`
        (None: to the batch's largest image)."""
        if self.layout == "canvas":
            kwargs["do_pad"] = True
            if canvas is not None:
                kwargs["pad_size"] = {"height": canvas[0], "width": canvas[1]}
        try:
            encoded = self.processor(images, return_tensors="np", **kwargs)
        except Exception as error:
            raise ModelExportError(
                f"the image processor cannot prepare example images: {first_line(error)}"
            ) from None
        return _as_graph_inputs(encoded, input_names)

    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        size = (self.height, self.width)
        fixed_shapes = {
            "dynamic": dynamic,
            "batch_size": None if dynamic else batch_size,
            "height": self.height,
            "width": self.width,
        }
        if not dynamic:
            example = self._process(
                synthetic_images(EXAMPLE_IMAGE_SIZES, _EXAMPLE_SEED, batch_size), input_names, size
            )
            other = self._process(
                synthetic_images(OTHER_IMAGE_SIZES, _OTHER_SEED, batch_size), input_names, size
            )
            yield ShapePlan(
                shapes=fixed_shapes,
                axes=None,
                example=example,
                cases=[("example input", example), ("other input", other)],
            )
            return
        # Dynamic axes cannot be traced from size-1 examples (torch.export specializes them).
        trace_batch = max(batch_size, 2)
        example_images = synthetic_images(EXAMPLE_IMAGE_SIZES, _EXAMPLE_SEED, trace_batch)
        other_images = synthetic_images(OTHER_IMAGE_SIZES, _OTHER_SEED, 3)
        if self.layout == "canvas":
            # Aspect kept, padded to the batch's largest image: sizes vary by themselves.
            example = self._process(example_images, input_names, None)
            other = self._process(other_images, input_names, None)
        else:
            # Traced larger than the processor's size (no feature map shrinks to 1 x 1, which
            # torch.export would specialize), validated at the processor's own size.
            traced = _trace_size(self.height, self.width, self.layout)
            example = self._process(
                example_images, input_names, None, **size_overrides(self.config, *traced)
            )
            other = self._process(other_images, input_names, None)
        yield ShapePlan(
            shapes={"dynamic": True, "batch_size": None, "height": None, "width": None},
            axes={name: _DYNAMIC_AXES[name] for name in input_names},
            example=example,
            cases=[("example input", example), ("other input", other)],
            fallback_note=f"height and width fixed at {self.height}x{self.width}",
        )
        example = self._process(example_images, input_names, size)
        other = self._process(other_images, input_names, size)
        yield ShapePlan(
            shapes=fixed_shapes,
            axes={name: {0: "batch_size"} for name in input_names},
            example=example,
            cases=[("example input", example), ("other input", other)],
        )

    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        return {
            "processor_type": "image",
            "image_processor_type": _processor_type(self.processor, self.config),
            "image_processor": self.config,
            "model_input_names": input_names,
            "shapes": {
                key: plan.shapes[key] for key in ("dynamic", "batch_size", "height", "width")
            },
        }

    def save_files(self, staging: Path) -> None:
        self.processor.save_pretrained(staging)


_DYNAMIC_AXES = {
    "pixel_values": {0: "batch_size", 2: "height", 3: "width"},
    "pixel_mask": {0: "batch_size", 1: "height", 2: "width"},
}


def _trace_size(height: int, width: int, kind: str) -> tuple[int, int]:
    if kind == "square":
        return height * 2, height * 2
    return height * 2, width * 3 // 2


def _saved_config(processor: Any) -> dict[str, Any]:
    """The preprocessor_config.json that processor.save_pretrained writes, as a dict."""
    return json.loads(processor.to_json_string())


def _as_graph_inputs(encoded: Any, input_names: list[str]) -> dict[str, np.ndarray]:
    arrays = {}
    for name in input_names:
        value = np.asarray(encoded[name])
        arrays[name] = value.astype(np.float32 if name == "pixel_values" else np.int64)
    return arrays


def package_images(package_dir: Path, export_config: dict[str, Any]) -> tuple[list[Any], dict]:
    """The synthetic images package validation runs on and the processor call's arguments that
    give the package's shapes (padding processors pad into a fixed canvas)."""
    config = json.loads((Path(package_dir) / "preprocessor_config.json").read_text("utf-8"))
    batch_size = export_config.get("batch_size")
    images = synthetic_images(OTHER_IMAGE_SIZES, _OTHER_SEED, batch_size or 3)
    kwargs: dict[str, Any] = {}
    if layout(config) == "canvas":
        kwargs["do_pad"] = True
        if export_config.get("height") is not None:
            kwargs["pad_size"] = {
                "height": export_config["height"],
                "width": export_config["width"],
            }
    return images, kwargs


def package_inputs(package_dir: Path, export_config: dict[str, Any]) -> dict[str, np.ndarray]:
    """Validation inputs for an exported image package, from its own processor and shapes."""
    import transformers

    processor = transformers.AutoImageProcessor.from_pretrained(package_dir)
    images, kwargs = package_images(package_dir, export_config)
    encoded = processor(images, return_tensors="np", **kwargs)
    return _as_graph_inputs(encoded, export_config["input_names"])
