# SPDX-License-Identifier: MIT
"""kmq.dask.encode_tree on a LocalCluster of two worker processes."""

import pytest

import kmq
import kmq.dask
from conftest import gradient, run_tool, write_netpbm

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def test_encode_tree_matches_kmqenc(client, tools, tmp_path):
    source = tmp_path / "photos"
    for i, folder in enumerate(["", "a", "a/b"]):
        (source / folder).mkdir(parents=True, exist_ok=True)
        for j in range(2):
            write_netpbm(source / folder / f"img{j}.ppm", gradient(40 + i, 50 + j, seed=i * 7 + j))
    (source / "notes.txt").write_text("not an image")
    (source / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    target = tmp_path / "out"
    rows = kmq.dask.encode_tree(client, source, target, colors=16)
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    assert len(records) == 7
    failed = [r for r in records if not r["ok"]]
    assert len(failed) == 1 and failed[0]["input"].endswith("broken.png")
    assert failed[0]["category"] == "corrupt_file"
    for row in records:
        if not row["ok"]:
            continue
        expected = tmp_path / "expected.kmq"
        done = run_tool(tools, "kmqenc", "-k", "16", "-f", "-q", row["input"], "-o",
                        str(expected))
        assert done.returncode == 0
        with open(row["output"], "rb") as written:
            assert written.read() == expected.read_bytes()
    # Existing outputs are kept unless overwrite=True.
    again = kmq.dask.encode_tree(client, source, target, colors=16)
    records = again.to_dict("records") if hasattr(again, "to_dict") else again
    assert sum(r.get("skipped") is True for r in records) == 6


def test_plan_refuses_two_inputs_for_one_output(tmp_path):
    write_netpbm(tmp_path / "x.ppm", gradient(8, 8))
    write_netpbm(tmp_path / "x.pam", gradient(8, 8, 4))
    with pytest.raises(ValueError, match="both be encoded"):
        kmq.dask.plan_tree(tmp_path, tmp_path / "out")
