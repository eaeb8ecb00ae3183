#!/usr/bin/env python3
"""Measure the statistics the synthetic weight generator is calibrated on.

Usage: scripts/calibrate_synthetic.py FILE.safetensors [...]

For every float32 weight tensor with ndim >= 2 (rows = output channels, dim 0) except embedding
tables, prints per layer and as medians over the file's layers:
  gain           std x sqrt(fan_in), fan_in = elements per row
  layer sigma    standard deviation of log(gain) across the file's layers
  channel sigma  standard deviation of log(per-row std) within a layer
  kurtosis       excess kurtosis of the whole layer
  row kurtosis   excess kurtosis of the layer's values divided by their row's std
The constants in networks/synthetic/synthetic_weights.cpp (kConv for conv layers, kLinear for
the rest) are these medians; docs/networks.md lists them. Python standard library only.
"""
import json
import math
import statistics
import struct
import sys


def tensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32" or len(info["shape"]) < 2:
            continue
        if "embed" in name:  # a lookup table, not a layer the accelerators run
            continue
        begin, end = info["data_offsets"]
        count = (end - begin) // 4
        values = struct.unpack("<%df" % count, data[base + begin : base + end])
        yield name, info["shape"], values


def excess_kurtosis(values):
    mean = math.fsum(values) / len(values)
    m2 = math.fsum((v - mean) ** 2 for v in values) / len(values)
    m4 = math.fsum((v - mean) ** 4 for v in values) / len(values)
    return m4 / (m2 * m2) - 3.0


def layer_stats(shape, values):
    rows = shape[0]
    per_row = len(values) // rows
    row_std = []
    normalised = []
    for r in range(rows):
        row = values[r * per_row : (r + 1) * per_row]
        std = statistics.pstdev(row)
        row_std.append(std)
        normalised.extend(v / std for v in row if std > 0)
    std = statistics.pstdev(values)
    return {
        "gain": std * math.sqrt(per_row),
        "channel_sigma": statistics.pstdev([math.log(s) for s in row_std if s > 0]),
        "kurtosis": excess_kurtosis(values),
        "row_kurtosis": excess_kurtosis(normalised),
    }


# A layer of the generator is Student-t(nu) values (excess kurtosis 6/(nu-4)) times a log-normal
# row scale exp(sigma N): its excess kurtosis is (3 + 6/(nu-4)) exp(4 sigma^2) - 3. The even nu
# (the generator's Student-t needs one) that best matches the measured median kurtosis; 0 means
# Gaussian rows already reach it.
def student_nu(channel_sigma, kurtosis):
    mixture = math.exp(4 * channel_sigma**2)
    predicted = lambda nu: (3 + (6 / (nu - 4) if nu else 0)) * mixture - 3
    return min([0] + list(range(6, 201, 2)), key=lambda nu: abs(predicted(nu) - kurtosis))


def main(paths):
    for path in paths:
        layers = [(name, layer_stats(shape, values)) for name, shape, values in tensors(path)]
        print(f"{path}: {len(layers)} weight layers")
        for name, s in layers:
            print(f"  {name:40s} gain {s['gain']:.3f}  channel sigma {s['channel_sigma']:.3f}  "
                  f"kurtosis {s['kurtosis']:.3f}  row kurtosis {s['row_kurtosis']:.3f}")
        median = lambda key: statistics.median(s[key] for _, s in layers)
        layer_sigma = statistics.pstdev([math.log(s["gain"]) for _, s in layers])
        print(f"  median gain {median('gain'):.3f}, layer sigma {layer_sigma:.3f}, "
              f"median channel sigma {median('channel_sigma'):.3f}, "
              f"median kurtosis {median('kurtosis'):.3f}, "
              f"median row kurtosis {median('row_kurtosis'):.3f}")
        print(f"  generator: channel sigma {median('channel_sigma'):.2f}, Student-t nu "
              f"{student_nu(median('channel_sigma'), median('kurtosis'))}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
