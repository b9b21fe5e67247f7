"""Training at scale: tensor parallelism from memory, exposed communication, cluster size."""

import numpy as np
import pytest

from aiinfra import validation
from aiinfra.catalogs import get_accelerator, get_architecture
from aiinfra.layers import training as tr


def test_tensor_parallel_reproduces_nvidia_lora_configs():
    # MLPerf Training v4.0 Llama-2-70B LoRA (seq 8,192, FP8 frozen weights): NVIDIA ran
    # TP4 on 8 x H100-80GB and TP2 on 8 x H200-141GB (config_DGXH100_1x8x4xtp4pp1cp1.sh,
    # config_DGXH200_1x8x2xtp2pp1cp1.sh in mlcommons/training_results_v4.0)
    arch = get_architecture("llama-2-70b")
    kw = {"hidden": arch.hidden, "layers": arch.layers, "seq_len": 8192, "domain": 8}
    weights = arch.total_params * 1.0
    h100, h200 = get_accelerator("H100-SXM"), get_accelerator("H200-SXM")
    assert tr.tensor_parallel(hbm_bytes=h100.hbm_bytes, resident_bytes=weights, **kw) == 4
    assert tr.tensor_parallel(hbm_bytes=h200.hbm_bytes, resident_bytes=weights, **kw) == 2


def test_tensor_parallel_by_hand():
    # activations 34 x 1000 x 1 x 100 x 10 = 34 MB; 10 MB of HBM usable 9 MB -> 4 devices
    kw = {"hidden": 100, "layers": 10, "seq_len": 1000}
    assert tr.tensor_parallel(hbm_bytes=10e6, domain=8, **kw) == 4
    assert tr.tensor_parallel(hbm_bytes=1e9, domain=8, **kw) == 1
    assert tr.tensor_parallel(hbm_bytes=1e3, domain=8, **kw) == 8  # pipelining takes the rest
    assert tr.tensor_parallel(hbm_bytes=1e3, domain=2, **kw) == 2  # within the domain


def test_tp_comm_share_by_hand():
    # 4 all-reduces x 10 layers x 100 x 2 B x 2 x (2-1) = 16 kB per token at 1e9 x 0.7 B/s
    # against 6 x 1e6 FLOP at 1e12 x 0.5: (16e3 / 7e8) / (6e6 / 5e11) = 1.905; half exposed
    kw = {"hidden": 100, "layers": 10, "active_params": 1e6, "peak_flops": 1e12, "mfu": 0.5}
    share = tr.tp_comm_share(2, scaleup_bw=1e9, **kw)
    assert share == pytest.approx(0.5 * (16e3 / 7e8) / (6e6 / 5e11))
    assert tr.tp_comm_share(1, scaleup_bw=1e9, **kw) == 0.0
    assert tr.tp_comm_share(8, scaleup_bw=1e9, **kw) > share  # more devices, more traffic


def test_training_time_with_communication():
    base = tr.training_time(1e12, active_params=7e9, devices=1024, peak_flops=1e15, mfu=0.5)
    slow = tr.training_time(
        1e12, active_params=7e9, devices=1024, peak_flops=1e15, mfu=0.5, tp_share=0.25
    )
    assert slow["seconds"] == pytest.approx(base["seconds"] * 1.25)
    assert slow["mfu"] == pytest.approx(0.5 / 1.25)
    lora = tr.training_time(
        1e12, active_params=7e9, devices=1024, peak_flops=1e15, mfu=0.5, flop_per_param=4
    )
    assert lora["flop"] == pytest.approx(4 * 7e9 * 1e12)


def test_h200_trains_faster_than_h100_through_its_memory():
    # measured 2.476 / 2.155 samples/s = 1.149 (MLPerf Training v4.0 LoRA, NeMo 24.04)
    arch = get_architecture("llama-2-70b")
    kw = {"tokens": 1e9, "devices": 8, "precision": "fp8", "mfu": 0.45, "lora": True}
    h100 = tr.train(get_accelerator("H100-SXM"), arch, **kw)
    h200 = tr.train(get_accelerator("H200-SXM"), arch, **kw)
    assert (h100["tp"], h200["tp"]) == (4, 2)
    assert 1.05 < h100["seconds"] / h200["seconds"] < 1.25
    # pre-training a 7B model fits on one device: no tensor-parallel traffic
    small = tr.train(
        get_accelerator("H100-SXM"),
        get_architecture("llama-2-7b"),
        tokens=1e12,
        devices=1024,
        precision="bf16",
        mfu=0.45,
    )
    assert small["tp"] == 1 and small["tp_share"] == 0.0


def test_training_validation_within_fifteen_percent():
    rows = {r["case"]: r for r in validation.residuals()}
    ratio = rows["mlperf-train40-lora-h200-vs-h100"]
    assert abs(ratio["rel_error"]) <= 0.15
    # cluster size: GPT-3 175B on 512 and 10,752 H100s (MLPerf Training v4.0)
    small, big = rows["mlperf-train40-gpt3-512"], rows["mlperf-train40-gpt3-10752"]
    meas = big["measured"] / small["measured"]
    model = big["model"] / small["model"]
    assert model / meas == pytest.approx(1.0, abs=0.15)
    assert np.all(np.abs([r["rel_error"] for r in rows.values() if r["unit"] != "token/s"]) < 0.25)
