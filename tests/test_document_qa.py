"""document-question-answering: Tesseract OCR through the C++ API against pytesseract (the
reference transformers uses), the LayoutLM export, and the native pipeline against
transformers.pipeline on the PyTorch model, with given word_boxes and with OCR.

Documents: scikit-image's page.png and text.png (real scans, CC0) and Pillow-rendered pages
with known text. Parity: OCR words and pixel boxes identical (and the 0..1000 boxes transformers'
apply_tesseract derives); answers, start/end word indices and their order identical, scores
within 1e-4. A page without words is a one-line error here (transformers gives [], or the null
answer with handle_impossible_answer)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import fixture_path
from modelexport import _native

RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"
LAYOUTLM = "layoutlm-document-question-answering"
LAYOUTLMV3 = "layoutlmv3-document-question-answering"
TOLERANCE = 1e-4
QUESTIONS = ("What is the invoice number?", "When is the total due?", "Who sent it?")
# (lines of text, font size, page size): the rendered documents.
RENDERED = (
    (("Invoice number: 12345", "Total due: $99.50 on 2024-01-02"), 24, (600, 300)),
    (
        ("ACME Corporation", "Ship to: Jane Doe, 42 Main Street", "Amount 1,250.00 EUR"),
        28,
        (700, 360),
    ),
    (("Quarterly report", "Revenue grew 17 percent", "Signed by the board"), 20, (500, 260)),
)
OCR_CONFIGS = ("", "--psm 6", "--psm 11")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """skimage's page.png and text.png, and the rendered pages, as PNG files."""
    import skimage.data
    from PIL import Image, ImageDraw, ImageFont

    data = Path(skimage.data.__file__).parent
    paths = [data / "page.png", data / "text.png"]
    folder = tmp_path_factory.mktemp("documents")
    for i, (lines, size, (width, height)) in enumerate(RENDERED):
        page = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(page)
        font = ImageFont.load_default(size=size)
        for row, line in enumerate(lines):
            draw.text((20, 20 + row * (size * 2)), line, fill="black", font=font)
        path = folder / f"rendered-{i}.png"
        page.save(path)
        paths.append(path)
    return paths


def load_rgb(path: Path):
    from transformers.image_utils import load_image

    return load_image(str(path))


def test_ocr_words_and_boxes_match_pytesseract(documents):
    """The C++ OCR gives pytesseract's words and pixel boxes, and the pipeline's normalized
    boxes, on every document (the gray scans also as gray), under several page segmentation
    modes."""
    from transformers.pipelines.document_question_answering import apply_tesseract

    compared = words = 0
    for path in documents:
        rgb = load_rgb(path)
        # skimage's scans are gray: as given, and as the pipeline's RGB.
        for image in (rgb, rgb.convert("L")) if path.stem in ("page", "text") else (rgb,):
            for config in OCR_CONFIGS:
                native = _native.ocr_words(np.asarray(image), "", config)
                ref_words, ref_boxes = apply_tesseract(image, lang=None, tesseract_config=config)
                assert native.words == ref_words, (path, image.mode, config)
                width, height = image.size
                assert [_native.normalize_box(b, width, height) for b in native.boxes] == [
                    list(b) for b in ref_boxes
                ], (path, image.mode, config)
                compared += 1
                words += len(ref_words)
    assert compared == (len(documents) + 2) * len(OCR_CONFIGS)
    assert words > 200  # the comparison saw real text, not empty pages


def test_ocr_errors_are_one_line():
    page = np.full((40, 60, 3), 255, np.uint8)
    with pytest.raises(ValueError, match="unsupported flag '--tessdata-dir'"):
        _native.ocr_words(page, "", "--tessdata-dir /tmp")
    with pytest.raises(ValueError, match="cannot load language 'zz'"):
        _native.ocr_words(page, "zz")
    with pytest.raises(ValueError, match="pixels must be"):
        _native.ocr_words(np.zeros((4, 4, 4), np.uint8))


def test_layoutlm_export(export_cache):
    """input_ids, bbox, attention_mask, token_type_ids; validated against PyTorch; the document
    processor contract; every node tagged with its module."""
    for mode in ("fixed", "dynamic"):
        report = export_cache.get(LAYOUTLM, mode)
        assert report.validation["passed"], report.validation
        assert report.hierarchy["root_fallback"] == 0, report.hierarchy
        model = onnx.load(str(report.output_dir / "model.onnx"), load_external_data=False)
        names = [i.name for i in model.graph.input]
        assert names == ["input_ids", "bbox", "attention_mask", "token_type_ids"]
        bbox = [d.dim_param or d.dim_value for d in model.graph.input[1].type.tensor_type.shape.dim]
        assert bbox == (["batch_size", "sequence_length", 4] if mode == "dynamic" else [1, 128, 4])
        meta = {p.key: p.value for p in model.metadata_props}
        assert meta["hf_pipeline_task"] == "document-question-answering"
        processor = json.loads(meta["hf_processor_config"])
        assert processor["processor_type"] == "document"
        assert processor["token_boxes"]["sep"] == [1000] * 4
        assert processor["token_boxes"]["cls"] == [0] * 4


def test_layoutlmv3_exports_with_the_page_image(export_cache):
    report = export_cache.get(LAYOUTLMV3, "dynamic")
    assert report.validation["passed"], report.validation
    assert report.hierarchy["root_fallback"] == 0, report.hierarchy
    model = onnx.load(str(report.output_dir / "model.onnx"), load_external_data=False)
    assert [i.name for i in model.graph.input] == [
        "input_ids",
        "bbox",
        "attention_mask",
        "token_type_ids",
        "pixel_values",
    ]
    meta = {p.key: p.value for p in model.metadata_props}
    processor = json.loads(meta["hf_processor_config"])
    assert processor["image_processor"]["image_processor_type"] == "LayoutLMv3ImageProcessor"
    assert processor["token_boxes"]["sep"] == [0] * 4


def same_answers(mine: list[dict], ref: list[dict], where: object) -> None:
    assert len(mine) == len(ref), (where, mine, ref)
    for a, b in zip(mine, ref, strict=True):
        assert list(a) == ["score", "answer", "start", "end"]
        assert (a["answer"], a["start"], a["end"]) == (b["answer"], b["start"], b["end"]), where
        assert abs(a["score"] - b["score"]) <= TOLERANCE, (where, a, b)


@pytest.fixture(scope="module")
def reference():
    from transformers import pipeline

    return pipeline("document-question-answering", model=str(fixture_path(LAYOUTLM)))


CASES = (
    {},
    {"top_k": 3},
    {"top_k": 5, "max_answer_len": 2},
    {"handle_impossible_answer": True, "top_k": 2},
    {"tesseract_config": "--psm 6", "top_k": 2},
    # Many windows over the page: 24-token windows sharing 6 tokens.
    {"max_seq_len": 24, "doc_stride": 6, "top_k": 4},
)


@pytest.mark.parametrize("mode", ["dynamic", "fixed"])
def test_layoutlm_with_ocr_matches_transformers(export_cache, reference, documents, mode):
    """OCR'd pages end to end (OCR is the slow part: the options are covered by the word_boxes
    test; here every document once, and the page segmentation and window options on some)."""
    ours = modelexport.pipeline(model=str(export_cache.get(LAYOUTLM, mode).output_dir))
    runs = [(path, {"top_k": 3}) for path in documents]
    runs += [(documents[1], {"tesseract_config": "--psm 6", "top_k": 2}), (documents[0], CASES[-1])]
    for path, case in runs if mode == "dynamic" else runs[-3:]:
        options = dict(case)
        if mode == "fixed":
            options.setdefault("max_seq_len", 128)
        ref = reference(image=str(path), question=QUESTIONS[0], **options)
        # Every document has words to answer with, but text.png at page segmentation 3 (none):
        # transformers answers [] there, ours is the one-line error of a page without words.
        if not ref:
            assert path.stem == "text" and not options.get("tesseract_config"), path
            with pytest.raises(modelexport.PipelineError, match="OCR found no words"):
                ours(image=str(path), question=QUESTIONS[0], **options)
            continue
        mine = ours(image=str(path), question=QUESTIONS[0], **options)
        same_answers(mine, ref, (path.name, options))


def test_layoutlm_with_word_boxes_matches_transformers(export_cache, reference, documents):
    ours = modelexport.pipeline(model=str(export_cache.get(LAYOUTLM, "dynamic").output_dir))
    words = [
        ("Invoice", [20, 30, 140, 70]),
        ("number:", [150, 30, 280, 70]),
        ("INV-0042", [290, 30, 420, 70]),
        ("Total", [20, 100, 110, 140]),
        ("due", [120, 100, 180, 140]),
        ("€1.234,50", [190, 100, 330, 140]),
        ("naïve", [20, 170, 120, 210]),
    ]
    # A longer page too: several windows at max_seq_len 24.
    words += [
        (f"line{i // 5}-word{i}", [10 * (i % 5), 20 + i, 10 * (i % 5) + 9, 30 + i])
        for i in range(40)
    ]
    cases = [case for case in CASES if "tesseract_config" not in case]
    for question in QUESTIONS:
        for case in cases:
            ref = reference(image=str(documents[0]), question=question, word_boxes=words, **case)
            mine = ours(image=str(documents[0]), question=question, word_boxes=words, **case)
            same_answers(mine, ref, (question, case))
            # The dict form and a list of inputs give the same.
            item = {"image": str(documents[0]), "question": question, "word_boxes": words}
            assert ours(item, **case) == mine
            assert ours([item, item], **case) == [mine, mine]


def test_a_page_without_words_is_a_one_line_error(export_cache, reference, tmp_path):
    """transformers answers [] (or the null answer) for a page without words; the issue asks for
    an error, since such a page is nearly always a wrong file or OCR language."""
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (120, 90), "white").save(blank)
    assert reference(image=str(blank), question="What?") == []
    ours = modelexport.pipeline(model=str(export_cache.get(LAYOUTLM, "dynamic").output_dir))
    for kwargs, message in (
        ({"image": str(blank)}, "OCR found no words on the page"),
        ({"image": str(blank), "handle_impossible_answer": True}, "OCR found no words"),
        ({"image": str(blank), "word_boxes": []}, "word_boxes is empty"),
    ):
        with pytest.raises(modelexport.PipelineError) as error:
            ours(question="What?", **kwargs)
        assert message in str(error.value) and "\n" not in str(error.value)


def test_bad_inputs_are_one_line_errors(export_cache, documents):
    ours = modelexport.pipeline(model=str(export_cache.get(LAYOUTLM, "fixed").output_dir))
    image = str(documents[0])
    bad = {
        "word_boxes\\[0\\] must be a \\(word": {"word_boxes": [["a"]]},
        "word_boxes\\[1\\]: the box must be 4 integers": {
            "word_boxes": [["a", [1, 2, 3, 4]], ["b", [1, 2, 3]]]
        },
        "must have 0 <= x0 <= x1": {"word_boxes": [["a", [50, 2, 10, 4]]]},
        "all below 1024": {"word_boxes": [["a", [0, 0, 2000, 4]]]},
        "unsupported flag '--bogus'": {"tesseract_config": "--bogus"},
        "top_k must be at least 1": {"top_k": 0},
        "exceeds the graph's fixed sequence length 128": {"max_seq_len": 256},
    }
    for message, options in bad.items():
        with pytest.raises(modelexport.PipelineError, match=message) as error:
            ours(image=image, question="What?", **options)
        assert "\n" not in str(error.value)
    with pytest.raises(modelexport.PipelineError, match="needs question= and image="):
        ours(question="What?")
    with pytest.raises(modelexport.PipelineError, match=r"missing\.png"):
        ours(image="missing.png", question="What?")


def test_both_run_commands(export_cache, cli, documents, tmp_path):
    package = export_cache.get(LAYOUTLM, "fixed").output_dir
    words = [["Total", [10, 10, 60, 30]], ["due", [70, 10, 110, 30]], ["42", [120, 10, 150, 30]]]
    lines = tmp_path / "documents.jsonl"
    lines.write_text(
        json.dumps({"image": str(documents[2]), "question": QUESTIONS[1], "word_boxes": words})
        + "\n"
        + json.dumps({"image": str(documents[3]), "question": QUESTIONS[0]})
        + "\n"
    )
    ours = modelexport.pipeline(model=str(package))
    expected = [
        ours(image=str(documents[2]), question=QUESTIONS[1], word_boxes=words, top_k=2),
        ours(image=str(documents[3]), question=QUESTIONS[0], top_k=2),
    ]
    native = subprocess.run(
        [str(RUN_BINARY), str(package), "--input-file", str(lines), "--top-k", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    python = cli("run", str(package), "--input-file", str(lines), "--top-k", "2")
    assert python.returncode == 0, python.stderr
    for output in (native.stdout, python.stdout):
        assert [json.loads(line) for line in output.splitlines()] == expected
    asked = subprocess.run(
        [str(RUN_BINARY), str(package), str(documents[2]), "--question", QUESTIONS[0]],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(asked.stdout) == ours(image=str(documents[2]), question=QUESTIONS[0])


def test_layoutlmv3_matches_transformers_fed_the_page(export_cache, documents):
    """LayoutLMv3 reads the page image. transformers 5.23's pipeline hands it to the model as
    `image=`, which LayoutLMv3ForQuestionAnswering takes into **kwargs and ignores (the model
    then runs on the words alone); fed as `pixel_values`, the logits cover the page's patches
    after the tokens, which that pipeline cannot read. The reference here is the pipeline with
    the page fed as `pixel_values` and the logits of the tokens kept, as the native pipeline
    does. OCR is the image processor's own (apply_ocr), as in transformers."""
    from transformers import pipeline

    reference = pipeline("document-question-answering", model=str(fixture_path(LAYOUTLMV3)))
    forward = reference._forward

    def forward_with_pixels(inputs, **kwargs):
        tokens = inputs["input_ids"].shape[1]
        inputs["pixel_values"] = inputs.pop("image")
        outputs = forward(inputs, **kwargs)
        for name in ("start_logits", "end_logits"):
            outputs[name] = outputs[name][:, :tokens]
        return outputs

    reference._forward = forward_with_pixels
    ours = modelexport.pipeline(model=str(export_cache.get(LAYOUTLMV3, "dynamic").output_dir))
    words = [
        ("Invoice", [20, 30, 140, 70]),
        ("number:", [150, 30, 280, 70]),
        ("42", [290, 30, 330, 70]),
    ]
    for path in (documents[0], documents[2]):
        for case in ({"top_k": 3}, {"max_seq_len": 24, "doc_stride": 6, "top_k": 3}):
            ref = reference(image=str(path), question=QUESTIONS[0], **case)
            assert ref, (path.name, case)
            same_answers(ours(image=str(path), question=QUESTIONS[0], **case), ref, (path, case))
        ref = reference(image=str(path), question=QUESTIONS[1], word_boxes=words, top_k=2)
        mine = ours(image=str(path), question=QUESTIONS[1], word_boxes=words, top_k=2)
        same_answers(mine, ref, (path.name, "word_boxes"))
    with pytest.raises(modelexport.PipelineError, match="reads the page: give its image"):
        ours(question=QUESTIONS[0], word_boxes=words)
