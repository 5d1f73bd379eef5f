"""A short run of scripts/soak.py: 8 threads of mixed valid and invalid calls on shared native
pipelines; no crash, results identical to sequential ones, only ValueError for bad calls, RSS
flat after the warm-up. (The soak itself runs for minutes: scripts/soak.py --seconds 180.)"""

from __future__ import annotations

import sys

from fixture_catalog import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))

import soak


def test_soak(export_cache):
    classifier = str(export_cache.get("bert-text-classification", "fixed").output_dir)
    qa = str(export_cache.get("bert-question-answering", "fixed").output_dir)
    report = soak.soak(classifier, qa, seconds=20, threads=8)
    assert not report.failures, sorted(set(report.failures))[:5]
    assert report.calls > 50 and report.invalid_calls > 10
    assert soak.rss_is_flat(report.rss_mib), report.rss_mib
