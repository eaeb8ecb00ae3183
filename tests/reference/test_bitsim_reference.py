#!/usr/bin/env python3
"""The `bitsim` profile against an independent NumPy restatement of the authors' simulator.

yc2367/BitSim (commit 6845fad, sim/sim/*.py) computes per layer: tiles, compute cycles, DRAM
cycles, and the energy of the PEs, registers, SRAM reads, SRAM writes and DRAM. This file restates
those formulas with NumPy, from the Python source (file:line below), without any code of bbs-dse,
and compares them layer by layer with

    bbs-dse simulate --network NET.onnx --accel PRESET --set ... --profile bitsim --per-layer
                     --format json [--sensitive-channels FILE]

on small ONNX networks written by this test, for every configuration of BitSim's test scripts
(sim/test_*.py): Stripes, Pragmatic G8/G16, Bitlet G32/G64 and 2 rows, BitVert without BBS / BBS /
LSB / conservative / moderate, BitWave 5 and 6 bits. Integer cycles must be equal; fractional
cycles and energies agree to 1e-9 relative.

SRAM costs come from the tool's CACTI table (data/tech/cacti_sram.csv; BitSim runs CACTI with the
same configuration: sim/hw/mem/cacti_simulation.py): one access of all banks costs banks x the
per-bank energy, a 64-bit write costs the full write x 64 / total width (mem_instance.py).

The networks cover: k^2 > Cin (7x7 stem on 3 channels), Cin not a multiple of 16, Cout not a
multiple of 32, output width < 16, non-square feature maps, 197 tokens (MatMul on a 3-D input),
a residual shortcut listed after its sibling (the on-chip chain follows list order), a model name
on BitSim's refetch list (resnet34: the network name is the ONNX file's stem) and the same
network under another name, an all-zero PE-row tile (32 zero output channels: Pragmatic and
Bitlet 0 cycles, BitWave -1, BitVert without BBS 1), BitVert's fractional cycles with sensitive
channels from a nonzero_channels.json-style file (BitSim's key quirk included), and a layer
BitSim's BitWave cannot run (refused by the bitsim profile, run by corrected).

Weights: float initializers w = q * s per output channel with max |q| = 127, so the tool's
per-channel quantization returns q exactly; the restatement uses q.

usage: test_bitsim_reference.py BBS_DSE CACTI_CSV WORKDIR
"""

import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bbs_reference  # noqa: E402  (NumPy transliteration of the authors' bit-flip pruner)

RNG = np.random.default_rng(2024)
REL_TOL = 1e-9
KIB = 1024

# ----------------------------------------------------------------------------------------------
# Networks
# ----------------------------------------------------------------------------------------------


def int_weights(shape, zero_channels=0):
    """int8 weights, every non-zero output channel with max |q| = 127 exactly."""
    q = np.clip(np.round(RNG.laplace(0, 14, size=shape)), -127, 127).astype(np.int64)
    flat = q.reshape(shape[0], -1)
    for k in range(shape[0]):
        flat[k, RNG.integers(flat.shape[1])] = 127 if RNG.random() < 0.5 else -127
    flat[:zero_channels] = 0
    return flat.reshape(shape)


class Net:
    def __init__(self, name):
        self.name, self.nodes, self.inits, self.q = name, [], [], []

    def weight(self, init_name, q):
        scales = RNG.uniform(1e-3, 1e-2, size=(q.shape[0],) + (1,) * (q.ndim - 1))
        self.inits.append(numpy_helper.from_array((q * scales).astype(np.float32), init_name))
        self.q.append(q)

    def conv(self, name, x, out, q, stride=1, pad=0):
        k = q.shape[2]
        self.weight(name + ".weight", q)
        self.nodes.append(helper.make_node("Conv", [x, name + ".weight"], [out], name=name,
                                           kernel_shape=[k, k], strides=[stride, stride],
                                           pads=[pad] * 4))

    def matmul(self, name, x, out, q_out_in):
        self.weight(name + ".weight", q_out_in)
        self.inits[-1] = numpy_helper.from_array(
            numpy_helper.to_array(self.inits[-1]).T.copy(), name + ".weight")  # [in, out]
        self.nodes.append(helper.make_node("MatMul", [x, name + ".weight"], [out], name=name))

    def op(self, kind, inputs, out, **attrs):
        self.nodes.append(helper.make_node(kind, inputs, [out], name=out, **attrs))

    def save(self, path, input_shape, output):
        name, shape = output
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
            [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        save(model, path)


def cnn():
    """k^2 > Cin, Cin 40, Cout 40/24/48/10, non-square maps, output width 11, a shortcut listed
    after its sibling, 32 all-zero output channels, a 2-D classifier (tokens = 1) last."""
    n = Net("smallcnn")
    n.conv("stem.conv", "x", "s", int_weights((40, 3, 7, 7)), stride=2, pad=3)  # 64x44 -> 32x22
    n.op("Relu", ["s"], "s_relu")
    n.conv("down.conv", "s_relu", "d", int_weights((24, 40, 3, 3)), stride=2, pad=1)  # 16x11
    n.op("Relu", ["d"], "d_relu")
    n.conv("block.conv1", "d_relu", "a", int_weights((48, 24, 3, 3)), pad=1)
    n.op("Relu", ["a"], "a_relu")
    n.conv("block.conv2", "a_relu", "b", int_weights((48, 48, 3, 3), zero_channels=32), pad=1)
    n.conv("block.shortcut.conv", "d_relu", "sc", int_weights((48, 24, 1, 1)))
    n.op("Add", ["b", "sc"], "sum")
    n.op("Relu", ["sum"], "sum_relu")
    n.op("GlobalAveragePool", ["sum_relu"], "gap")
    n.op("Flatten", ["gap"], "flat", axis=1)
    q = int_weights((10, 48))
    n.weight("fc.weight", q)
    n.nodes.append(helper.make_node("Gemm", ["flat", "fc.weight"], ["logits"], name="fc",
                                    transB=1))
    return n, [1, 3, 64, 44], ("logits", [1, 10])


def vit():
    """A transformer MLP on 197 tokens (MatMul on a 3-D input), Cin 40, with a residual."""
    n = Net("vitmlp")
    n.matmul("blocks.0.mlp.fc1", "x", "h", int_weights((72, 40)))
    n.op("Relu", ["h"], "h_relu")
    n.matmul("blocks.0.mlp.fc2", "h_relu", "m", int_weights((40, 72)))
    n.op("Add", ["m", "x"], "r")
    n.matmul("blocks.0.attn.qkv", "r", "qkv", int_weights((96, 40)))
    return n, [1, 197, 40], ("qkv", [1, 197, 96])


def big():
    """A layer whose weights and input both exceed the SRAMs (DRAM refetch), then a 1x1 conv."""
    n = Net("big")
    n.conv("layer.conv1", "x", "c", int_weights((288, 256, 3, 3)), pad=1)
    n.conv("layer.conv2", "c", "y", int_weights((20, 288, 1, 1)))
    return n, [1, 256, 48, 32], ("y", [1, 20, 48, 32])


def bitwave_raises():
    """A linear layer of 40 x 10 = 400 weights: not a multiple of BitWave's group of 32."""
    n = Net("oddfc")
    n.matmul("head.proj", "x", "y", int_weights((10, 40)))
    return n, [1, 4, 40], ("y", [1, 4, 10])


# ----------------------------------------------------------------------------------------------
# Layer dimensions (sim/model_profile/meters/layer_dim_profiler.py)
# ----------------------------------------------------------------------------------------------


class Layer:
    """conv: k, cin, cout, ih, iw, oh, ow; linear: cin, cout, tokens. q: int weights in PyTorch
    layout ([Co, Ci, k, k] or [Co, Ci])."""

    def __init__(self, q, conv, ih=1, iw=1, oh=1, ow=1, tokens=1):
        self.q, self.conv = q, conv
        self.cout, self.cin = q.shape[0], q.shape[1]
        self.k = q.shape[2] if conv else 1
        self.ih, self.iw, self.oh, self.ow, self.tokens = ih, iw, oh, ow, tokens


def conv_out(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def layers_of(name):
    if name == "cnn":
        net, shape, out = cnn()
        q = net.q
        h0, w0 = conv_out(64, 7, 2, 3), conv_out(44, 7, 2, 3)
        h1, w1 = conv_out(h0, 3, 2, 1), conv_out(w0, 3, 2, 1)
        layers = [Layer(q[0], True, 64, 44, h0, w0), Layer(q[1], True, h0, w0, h1, w1),
                  Layer(q[2], True, h1, w1, h1, w1), Layer(q[3], True, h1, w1, h1, w1),
                  Layer(q[4], True, h1, w1, h1, w1), Layer(q[5], False, tokens=1)]
    elif name == "vit":
        net, shape, out = vit()
        layers = [Layer(q, False, tokens=197) for q in net.q]
    elif name == "big":
        net, shape, out = big()
        layers = [Layer(net.q[0], True, 48, 32, 48, 32), Layer(net.q[1], True, 48, 32, 48, 32)]
    else:
        raise ValueError(name)
    return net, shape, out, layers


# ----------------------------------------------------------------------------------------------
# SRAM costs: the CACTI table, used the way sim/hw/mem/mem_instance.py uses CACTI's output
# ----------------------------------------------------------------------------------------------


class Cacti:
    def __init__(self, path):
        self.rows = {}
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["status"] != "ok":
                    continue
                key = (r["ports"], int(r["tech_nm"]), int(r["capacity_bytes"]), int(r["banks"]),
                       int(r["width_bits"]))
                if key not in self.rows or r["source"] == "cacti-7 run":
                    self.rows[key] = r

    def sram(self, capacity_bytes, banks, total_width_bits):
        """(r_cost, w_cost_min) in pJ: one full-width access of all banks; one 64-bit write."""
        width = total_width_bits // banks
        r = self.rows[("1r1w", 28, capacity_bytes, banks, width)]
        r_cost = float(r["read_energy_pj"]) * banks
        w_cost = float(r["write_energy_pj"]) * banks
        return r_cost, w_cost / (total_width_bits / 64)


# ----------------------------------------------------------------------------------------------
# Bit planes (sim/sim/util/bin_int_convert.py): [8, ...], plane 0 = MSB
# ----------------------------------------------------------------------------------------------


def twos_planes(q):
    u = np.where(q < 0, q + 256, q).astype(np.int64)
    return np.stack([(u >> (7 - b)) & 1 for b in range(8)])


def sign_magnitude_planes(q):
    q = np.where(q == -128, -127, q)
    m = np.abs(q).astype(np.int64)
    planes = [(m >> (7 - b)) & 1 for b in range(8)]
    planes[0] = (q < 0).astype(np.int64)
    return np.stack(planes)


def grouped(planes, layer, g):
    """[8, Co, groups, G] in BitSim's tile order; missing lanes are zero (they add no bit).
    conv with k^2 > Ci: groups along k*k of each input channel (bitvert.py:208-223);
    otherwise along Ci at each kernel position (bitvert.py:224-238); linear along Ci."""
    co = layer.cout
    if layer.conv and layer.k ** 2 > layer.cin:
        x = planes.reshape(8, co, layer.cin, layer.k * layer.k)
    elif layer.conv:
        x = planes.transpose(0, 1, 3, 4, 2).reshape(8, co, layer.k * layer.k, layer.cin)
    else:
        x = planes.reshape(8, co, 1, layer.cin)
    pad = (-x.shape[-1]) % g
    x = np.pad(x, [(0, 0)] * 3 + [(0, pad)])
    return x.reshape(8, co, -1, g)


def row_tiles(per_row, rows):
    """[Co, groups] -> [cout tiles, rows, groups], padded with rows that add nothing (value 0 or
    -inf is equivalent for the maxima taken; 0 is used: every per-row value is >= 0)."""
    co = per_row.shape[0]
    pad = (-co) % rows
    x = np.pad(per_row, [(0, pad), (0, 0)])
    return x.reshape(-1, rows, per_row.shape[1])


# Per-group cycle functions: return the layer's cycle_kernel (sum over cout tiles and groups).

def pragmatic_kernel(layer, g, h):
    # pragmatic.py:100-114: popcount of all 8 sign-magnitude bits (sign included), max over
    # rows and lanes of the group
    n = grouped(sign_magnitude_planes(layer.q), layer, g).sum(axis=0)  # [Co, groups, G]
    return int(row_tiles(n.max(axis=-1), h).max(axis=1).sum())


def bitlet_kernel(layer, g, h):
    # bitlet.py:105-114: two's complement, per (plane, row) the column's 1s, max over both
    c = grouped(twos_planes(layer.q), layer, g).sum(axis=-1)  # [8, Co, groups]
    return int(row_tiles(c.max(axis=0), h).max(axis=1).sum())


def bitvert_no_bbs_kernel(layer, g, h):
    # bitvert.py:163-173: per row sum over planes of ceil(ones / (G/2)); max over rows; >= 1
    c = grouped(twos_planes(layer.q), layer, g).sum(axis=-1)  # [8, Co, groups]
    per_row = np.ceil(c / (g / 2)).sum(axis=0)
    tiles = row_tiles(per_row, h).max(axis=1)
    return int(np.maximum(tiles, 1).sum())


def bitwave_kernel(layer, g, h, pw):
    # bitwave.py:527-538: bit-flip in sign-magnitude, group 32, 8 - Pw columns
    # (bitflip_layer.py), then per tile max over rows of non-zero columns (sign included) - 1
    fn = bbs_reference.bitFlip_conv if layer.conv else bbs_reference.bitFlip_fc
    flipped = fn(layer.q.astype(np.float32), w_bitwidth=8, group_size=32,
                 num_pruned_column=8 - pw)
    planes = grouped(sign_magnitude_planes(np.round(flipped).astype(np.int64)), layer, g)
    nonzero_columns = (planes.sum(axis=-1) > 0).sum(axis=0)  # [Co, groups]
    return int((row_tiles(nonzero_columns, h).max(axis=1) - 1).sum())


# ----------------------------------------------------------------------------------------------
# One accelerator (stripes.py, with each design's overrides)
# ----------------------------------------------------------------------------------------------

PR = 1.5
DISPATCHER = 0.072625
ENERGY = {  # (PE, W_REG per row, I_REG per column) in pJ
    "stripes": (0.28125 * PR, 0.46 * PR, (0.53 + DISPATCHER) * PR),  # stripes.py:12-19
    "pragmatic": (0.41375 * PR, 0.763 * PR, (0.53 + DISPATCHER) * PR),  # pragmatic.py:11-19
    "bitlet": (0.2925 * PR, 1.1325 * PR, (1.054 + DISPATCHER) * PR),  # bitlet.py:14-21
    "bitvert": (0.25 * PR, 1.205 * PR, (1.06 + DISPATCHER) * PR),  # bitvert.py:14-20
    "bitwave": (0.2475 * PR * 1.1, 0.0, 0.0),  # bitwave.py:15-20
}
BITWAVE_SCHEDULER = 0.06575 * PR  # bitwave.py:20, x 128 schedulers per cycle (bitwave.py:447)
REFETCH_MODELS = ["vgg16", "resnet34", "resnet50"]  # stripes.py:473


class Config:
    """design: stripes, pragmatic, bitlet, bitvert, bitwave. mode (BitVert): no-bbs, bbs, lsb, ol.
    pw: Pw_s (BitWave: 5 or 6). prec_low (BitVert ol): 6 conservative, 4 moderate."""

    def __init__(self, label, design, g, h, wc=16, mode=None, prec_low=8, pw=8, preset=None,
                 sets=(), sensitive=False):
        self.label, self.design, self.g, self.h, self.wc = label, design, g, h, wc
        self.mode, self.prec_low, self.pw = mode, prec_low, pw
        self.preset, self.sets, self.sensitive = preset or design, list(sets), sensitive


def reference(cfg, layers, model_name, cacti, outliers):
    """Per-layer dicts in the tool's column names. outliers[i]: sensitive channels of layer i
    from the file (None: key absent)."""
    g, h, wc, pp = cfg.g, cfg.h, cfg.wc, 8
    if cfg.design == "bitwave":  # bitwave.py:541-574
        w_sram = cacti.sram(18 * KIB * 16, 16, 64 * 16)
        i_sram = cacti.sram(16 * KIB * 16, 16, 64 * 16)
    else:  # stripes.py:488-523 (also Pragmatic, Bitlet, BitVert)
        w_sram = cacti.sram(288 * KIB, h, g * 8 * h)
        i_sram = cacti.sram(256 * KIB, wc, g * 8 * wc)
    sw, si = (18 * KIB * 16 if cfg.design == "bitwave" else 288 * KIB), 256 * KIB
    pe_energy, w_reg, i_reg = ENERGY[cfg.design]
    out = []
    read_input = True  # stripes.py:208 / 340: the on-chip output chain, in list order
    for idx, L in enumerate(layers):
        last = idx == len(layers) - 1
        # tiles: stripes.py:131-200
        if L.conv:
            tile_kernel = (math.ceil(L.k ** 2 / g) * L.cin if L.k ** 2 > L.cin
                           else math.ceil(L.cin / g) * L.k ** 2)
            spatial = math.ceil(L.ow / wc) * L.oh
        else:
            tile_kernel = math.ceil(L.cin / g)
            spatial = math.ceil(L.tokens / wc)
        tiles = tile_kernel * math.ceil(L.cout / h) * spatial

        # BitVert's precision configuration: bitvert.py:86-115
        prec_eff = cfg.pw
        if cfg.design == "bitvert" and cfg.mode == "lsb":
            prec_eff = cfg.pw - 2
        elif cfg.design == "bitvert" and cfg.mode == "ol":
            r_h = len(outliers[idx]) / L.cout if outliers[idx] is not None else 0.0
            prec_eff = cfg.pw * r_h + cfg.prec_low * (1 - r_h)

        # compute cycles
        if cfg.design == "stripes":
            cycles = tiles * cfg.pw  # stripes.py:106
        elif cfg.design == "pragmatic":
            cycles = pragmatic_kernel(L, g, h) * spatial
        elif cfg.design == "bitlet":
            cycles = bitlet_kernel(L, g, h) * spatial
        elif cfg.design == "bitwave":
            cycles = bitwave_kernel(L, g, h, cfg.pw) * spatial
        elif cfg.mode == "no-bbs":
            cycles = bitvert_no_bbs_kernel(L, g, h) * spatial
        elif cfg.mode == "ol":  # bitvert.py:180-183: fractional
            r_h = len(outliers[idx]) / L.cout if outliers[idx] is not None else 0.0
            cycles = tiles * r_h * cfg.pw + tiles * (1 - r_h) * cfg.prec_low
        else:  # bbs: every group Pw_s (bitvert.py:219-223); lsb: tiles * (Pw_s - 2)
            cycles = tiles * prec_eff

        # footprints in bytes: stripes.py:419-452, bitvert.py:420-454, bitwave.py:492-525
        n_weights = L.cout * L.cin * L.k * L.k
        if cfg.design == "bitvert":
            wb = n_weights * prec_eff / 8
        elif cfg.design == "bitwave":
            wb = math.ceil(L.cin / 8) * cfg.pw * L.k * L.k * L.cout
        else:
            wb = math.ceil(L.cin * pp / 8) * L.k * L.k * L.cout
        if L.conv:
            ib = math.ceil(L.cin * pp / 8) * L.ih * L.iw
            ob = math.ceil(L.cout * pp / 8) * L.oh * L.ow
        else:
            ib = math.ceil(L.cin * pp / 8) * L.tokens
            ob = 0 if last else math.ceil(L.cout * pp / 8) * L.tokens

        # refetch: stripes.py:454-486
        fetch_w, fetch_i = 1, 1
        if wb > sw and ib > si:
            n_i, n_w = math.ceil(wb / sw), math.ceil(ib / si)
            if model_name in REFETCH_MODELS and n_w * wb + ib < n_i * ib + wb:
                fetch_w = n_w
            else:
                fetch_i = n_i

        # DRAM cycles: stripes.py:202-234 (weights x Pp), bitvert.py:366-398 and
        # bitwave.py:406-438 (compressed bytes x their precision again)
        w_prec_cycles = prec_eff if cfg.design in ("bitvert", "bitwave") else pp
        cyc_w = wb * w_prec_cycles / 128 * fetch_w
        cyc_i = (ib * pp / 128 if read_input else 0) * fetch_i
        # DRAM energy: stripes.py:350-417, 1000 pJ per 64-bit access
        e_w = wb * 8 / 64 * 1000 * fetch_w
        e_i = (ib * 8 / 64 * 1000 if read_input else 0) * fetch_i
        if ib + ob < si:
            cyc_o, e_o, read_input = 0, 0, False
        else:
            cyc_o, e_o, read_input = ob * pp / 128, ob * 8 / 64 * 1000, True
        dram_cycles = int(cyc_w + cyc_i + cyc_o)

        # energies: stripes.py:236-336, bitwave.py:440-478
        if cfg.design == "bitwave":
            e_pe = pe_energy * h * wc * cycles + BITWAVE_SCHEDULER * 128 * cycles
            e_reg = 0.0
            e_rd = cycles * w_sram[0] + tiles * i_sram[0]
            w_prec_wr = cfg.pw
        else:
            e_pe = pe_energy * h * wc * cycles
            e_reg = w_reg * h * cycles + i_reg * wc * tiles
            e_rd = tiles * (w_sram[0] + i_sram[0])
            w_prec_wr = pp
        e_wr = (math.ceil(L.cin * w_prec_wr / 64) * L.k * L.k * L.cout * w_sram[1] * fetch_w)
        if L.conv:
            e_wr += math.ceil(L.cin * pp / 64) * L.ih * L.iw * i_sram[1] * fetch_i
            e_wr += math.ceil(L.cout * pp / 64) * L.oh * L.ow * i_sram[1]
        else:
            e_wr += math.ceil(L.cin * pp / 64) * L.tokens * i_sram[1] * fetch_i
            if L.tokens != 1:
                e_wr += math.ceil(L.cout * pp / 64) * L.tokens * i_sram[1]
        out.append({
            "tiles": tiles, "compute_cycles": cycles, "dram_cycles": dram_cycles,
            "total_cycles": max(cycles, dram_cycles), "energy_pe_pj": e_pe,
            "energy_registers_pj": e_reg, "energy_sram_read_pj": e_rd,
            "energy_sram_write_pj": e_wr, "energy_dram_pj": e_w + e_i + e_o,
        })
    return out


# ----------------------------------------------------------------------------------------------
# The configurations of sim/test_*.py (and their history), as bbs-dse presets + --set
# ----------------------------------------------------------------------------------------------

def configs():
    def sram(h, g, wc=16):
        return [f"array.rows={h}", f"array.lanes={g}", f"array.cols={wc}",
                f"weight_sram.banks={h}", f"weight_sram.bank_width_bits={g * 8}",
                f"act_sram.banks={wc}", f"act_sram.bank_width_bits={g * 8}"]
    plain = ["pruning.method=none"]
    return [
        Config("stripes [1,16] G16", "stripes", 16, 1, sets=sram(1, 16)),  # test_stripes.py
        Config("stripes [16,16] G16", "stripes", 16, 16, sets=sram(16, 16)),
        Config("pragmatic G8 [32,16]", "pragmatic", 8, 32, sets=sram(32, 8)),  # test_pragmatic
        Config("pragmatic G16 [16,16]", "pragmatic", 16, 16, sets=sram(16, 16)),
        Config("bitlet G32 [32,16]", "bitlet", 32, 32, sets=sram(32, 32)),  # test_bitlet.py
        Config("bitlet G64 [32,16]", "bitlet", 64, 32, sets=sram(32, 64)),
        Config("bitlet G32 [2,16]", "bitlet", 32, 2, sets=sram(2, 32)),
        Config("bitvert no-BBS", "bitvert", 16, 32, mode="no-bbs",
               sets=plain + ["bitvert.bidirectional=false"]),
        Config("bitvert BBS", "bitvert", 16, 32, mode="bbs", sets=plain),
        Config("bitvert LSB", "bitvert", 16, 32, mode="lsb",
               sets=["pruning.method=round-avg", "pruning.columns=2",
                     "pruning.sensitive_fraction=0"]),
        Config("bitvert conservative", "bitvert", 16, 32, mode="ol", prec_low=6,
               preset="bitvert-cons", sensitive=True),
        Config("bitvert moderate", "bitvert", 16, 32, mode="ol", prec_low=4, sensitive=True),
        Config("bitwave 5 bits", "bitwave", 8, 32, pw=5, sets=["pruning.columns=3"]),
        Config("bitwave 6 bits", "bitwave", 8, 32, pw=6, sets=["pruning.columns=2"]),
    ]


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------

def run_tool(exe, args, expect_ok=True):
    p = subprocess.run([exe] + args, capture_output=True, text=True)
    if expect_ok and p.returncode != 0:
        raise AssertionError(f"bbs-dse {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def simulate(exe, onnx_path, cfg, extra=()):
    args = ["simulate", "--network", onnx_path, "--accel", cfg.preset, "--profile", "bitsim",
            "--per-layer", "--format", "json"] + [a for s in cfg.sets for a in ("--set", s)]
    return json.loads(run_tool(exe, args + list(extra)).stdout)["layers"]


def bitsim_key(name):
    """bitvert.py:104-107: 'conv' in the name -> name.rstrip('.conv'), a character-set strip."""
    return name.rstrip(".conv") if "conv" in name else name


def sensitive_file(workdir, tag, names, layers):
    """A nonzero_channels.json for BitSim's lookup: keyed by BitSim's key of each layer name, a
    varying number of channels, one layer left out (r_h = 0), one key matching no layer."""
    table, outliers = {"not.a.layer": [0]}, []
    for i, (name, layer) in enumerate(zip(names, layers)):
        if i == 1:
            outliers.append(None)
            continue
        count = max(1, (layer.cout * (i + 1)) // 9)
        channels = sorted(RNG.choice(layer.cout, size=count, replace=False).tolist())
        table[bitsim_key(name)] = channels
        outliers.append(channels)
    path = os.path.join(workdir, f"{tag}_nonzero_channels.json")
    with open(path, "w") as f:
        json.dump(table, f)
    return path, outliers


def close(a, b):
    return a == b or abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def compare(label, tool_layers, ref_layers, failures):
    if len(tool_layers) != len(ref_layers):
        failures.append(f"{label}: {len(tool_layers)} layers from bbs-dse, "
                        f"{len(ref_layers)} in the restatement")
        return
    for i, (t, r) in enumerate(zip(tool_layers, ref_layers)):
        for key, expected in r.items():
            got = t[key]
            exact = isinstance(expected, int)
            ok = float(got) == expected if exact else close(float(got), expected)
            if not ok:
                failures.append(f"{label}: layer {i} ({t['layer']}) {key}: bbs-dse {got!r}, "
                                f"BitSim restatement {expected!r}")


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    exe, cacti_csv, workdir = argv[1], argv[2], argv[3]
    os.makedirs(workdir, exist_ok=True)
    cacti = Cacti(cacti_csv)
    failures, compared = [], 0

    nets = []
    for key, file_names in (("cnn", ["smallcnn"]), ("vit", ["vitmlp"]),
                            ("big", ["resnet34", "bignet"])):
        net, shape, output, layers = layers_of(key)
        for file_name in file_names:
            path = os.path.join(workdir, file_name + ".onnx")
            net.save(path, shape, output)
            nets.append((file_name, path, layers))

    for model_name, path, layers in nets:
        stripes = Config("names", "stripes", 16, 16)
        names = [l["layer"] for l in simulate(exe, path, stripes)]
        sensitive_path, outliers = sensitive_file(workdir, model_name, names, layers)
        for cfg in configs():
            extra = ["--sensitive-channels", sensitive_path] if cfg.sensitive else []
            tool = simulate(exe, path, cfg, extra)
            ref = reference(cfg, layers, model_name, cacti, outliers)
            compare(f"{model_name} / {cfg.label}", tool, ref, failures)
            compared += len(ref)

    # Where BitSim raises, the bitsim profile refuses and corrected runs.
    net, shape, output = bitwave_raises()
    path = os.path.join(workdir, "oddfc.onnx")
    net.save(path, shape, output)
    base = ["simulate", "--network", path, "--accel", "bitwave", "--format", "json"]
    refused = run_tool(exe, base + ["--profile", "bitsim"], expect_ok=False)
    if refused.returncode != 2 or "head.proj" not in refused.stderr \
            or "multiple of BitWave's bit-flip group of 32" not in refused.stderr:
        failures.append(f"oddfc / bitwave bitsim: expected exit 2 naming the layer, got "
                        f"{refused.returncode}: {refused.stderr.strip()}")
    if run_tool(exe, base + ["--profile", "corrected"], expect_ok=False).returncode != 0:
        failures.append("oddfc / bitwave corrected: expected it to run")

    for f in failures:
        print("MISMATCH", f)
    print(f"{compared} layer results compared over {len(nets)} networks x {len(configs())} "
          f"configurations; {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
