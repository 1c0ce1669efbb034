"""The models page's data: bundle rows and offline results from evaluation files."""

from __future__ import annotations

import json
from pathlib import Path

from shopfront.store.store import Store
from shopfront.web.bundles import bundle_rows, metric_names, offline_result_files, offline_results
from tests.web.conftest import WebShop


def test_bundle_rows_mark_the_live_and_serving_bundle(web_shop: WebShop) -> None:
    rows = bundle_rows(web_shop.store, serving_version=web_shop.bundle.version)

    live = next(r for r in rows if r.version == web_shop.bundle.version)
    assert live.status == "live" and live.serving
    assert set(live.models) == {"popularity", "trending", "cooccurrence", "als"}
    assert live.training_s == sum(live.timings_s.values()) > 0
    assert live.as_dict()["n_items"] == 80


def test_bundle_figures_flatten_extra_numbers(tmp_path: Path) -> None:
    store = Store("sqlite://")
    metrics = {"timings_s": {"als": 1.5}, "offline": {"NDCG@10": 0.3, "note": "x"}, "n_items": 4}
    store.register_bundle("v1", str(tmp_path / "missing"), metrics=metrics)

    (row,) = bundle_rows(store, serving_version=None)

    assert row.figures == {"offline.NDCG@10": 0.3}
    assert row.models == [] and not row.serving and row.status == "candidate"


def test_offline_results_are_found_in_any_shape(tmp_path: Path) -> None:
    one = {"model": "als", "dataset": "beauty", "split": "test", "mean": {"HR@10": 0.5}}
    listed = [{"model": "sasrec", "metrics": {"NDCG@10": 0.4, "NDCG@5": 0.3, "bad": "x"}}]
    (tmp_path / "results.json").write_text(json.dumps({"runs": {"a": one}}))
    (tmp_path / "results-2.json").write_text(json.dumps(listed))
    (tmp_path / "results-broken.json").write_text("{")

    files = offline_result_files(tmp_path / "bundles", docs=tmp_path)
    results = offline_results(files)

    assert [r["model"] for r in results] == ["sasrec", "als"]
    assert results[0]["metrics"] == {"NDCG@10": 0.4, "NDCG@5": 0.3}
    assert results[1]["source"] == "results.json"
    assert metric_names(results) == ["HR@10", "NDCG@5", "NDCG@10"]
