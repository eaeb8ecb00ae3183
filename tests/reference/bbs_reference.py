#!/usr/bin/env python3
"""NumPy transliteration of the authors' BBS reference pruners (github yc2367/BBS-MICRO:
bin_int_convert.py, binary_pruning.py, bit_flip.py), used as the oracle of the bit-exact tests.

The code follows the torch original line by line: the same bit-plane tensors (plane 0 = MSB),
the same prune_until / test_until pointers, the same brute-force candidate loops with `error`
initialised to 1e7 and strict `<` comparisons, the same final offset-selection loop, and float32
arithmetic wherever torch would use its default dtype.  torch -> numpy mapping:
    torch.fmod -> np.fmod, torch.round -> np.round (both round half to even),
    torch.full/zeros (default dtype) -> float32 arrays, torch.full(int) -> int64 arrays,
    x.permute(0, 2, 3, 1).view(NUM_GROUP, group_size) -> np.transpose(...).reshape(...)
      (the logical order is the same; torch's .view needs a channels-last tensor here).

One deliberate shortcut, which does not change any result: in the rounding loops of
zeroPointShifting/bitFlip, a (prune_idx, test_idx) pair whose mask_group is empty is skipped
(every assignment in its body is masked by mask_group, so the body is a no-op).  Set
SKIP_EMPTY_PAIRS = False to run the loops exactly as written.

Command line:
    bbs_reference.py METHOD INPUT.npy OUTPUT.npy --group-size G --columns N [--const-bits B]
METHOD is round-avg, zero-point or bit-flip; INPUT is an int8 (or any integer/float holding
integers) .npy of rank 2 (fc [K, C]) or 4 (conv [K, C, H, W]); OUTPUT is written as float32,
the dtype the reference returns.
"""

import argparse
import sys

import numpy as np

SKIP_EMPTY_PAIRS = True

F32 = np.float32


# ----------------------------------------------------------------------------------------------
# bin_int_convert.py
# ----------------------------------------------------------------------------------------------

def int_to_signMagnitude(weight_q, w_bitwidth=8):
    weight_q = np.array(weight_q, dtype=F32, copy=True)
    is_min = weight_q == -2 ** (w_bitwidth - 1)
    weight_q[is_min] = -2 ** (w_bitwidth - 1) + 1
    is_neg = weight_q < 0.
    weight_q[is_neg] = -weight_q[is_neg]

    weight_q_shape = list(weight_q.shape)
    remainder_list = np.zeros([w_bitwidth] + weight_q_shape, dtype=F32)

    for k in reversed(range(w_bitwidth)):
        remainder = np.fmod(weight_q, F32(2))
        remainder_list[k] = remainder
        weight_q = np.round((weight_q - remainder) / F32(2))

    remainder_list[0, is_neg] = 1.
    return remainder_list


def signMagnitude_to_int(wqb_list, w_bitwidth=8):
    wq_list = np.zeros(wqb_list.shape[1:], dtype=F32)
    for k in reversed(range(int(w_bitwidth))):
        if k != 0:
            wq_list += wqb_list[k] * F32(2. ** (w_bitwidth - 1 - k))
        else:
            ones = wqb_list[k] == 1.
            wq_list[ones] = -wq_list[ones]
    return wq_list


def int_to_twosComplement(weight_q, w_bitwidth=8):
    weight_q = np.array(weight_q, dtype=F32, copy=True)
    is_neg = weight_q < 0.
    weight_q[is_neg] = 2 ** (w_bitwidth - 1) + weight_q[is_neg]

    weight_q_shape = list(weight_q.shape)
    remainder_list = np.zeros([w_bitwidth] + weight_q_shape, dtype=F32)
    for k in reversed(range(w_bitwidth)):
        remainder = np.fmod(weight_q, F32(2))
        remainder_list[k] = remainder
        weight_q = np.round((weight_q - remainder) / F32(2))

    remainder_list[0, is_neg] = 1.
    return remainder_list


def twosComplement_to_int(wqb_list, w_bitwidth=8):
    wq_list = np.zeros(wqb_list.shape[1:], dtype=F32)
    for k in reversed(range(int(w_bitwidth))):
        if k != 0:
            wq_list += wqb_list[k] * F32(2. ** (w_bitwidth - 1 - k))
        else:
            wq_list -= wqb_list[k] * F32(2. ** (w_bitwidth - 1 - k))
    return wq_list


def int_to_binary(weight_q, w_bitwidth=8):
    weight_q = np.array(weight_q, dtype=F32, copy=True)
    remainder_list = np.zeros([w_bitwidth] + list(weight_q.shape), dtype=F32)
    for k in reversed(range(w_bitwidth)):
        remainder = np.fmod(weight_q, F32(2))
        remainder_list[k] = remainder
        weight_q = np.round((weight_q - remainder) / F32(2))
    return remainder_list


def binary_to_int(wqb_list, w_bitwidth=8):
    wq_list = np.zeros(wqb_list.shape[1:], dtype=F32)
    for k in reversed(range(int(w_bitwidth))):
        wq_list += wqb_list[k] * F32(2. ** (w_bitwidth - 1 - k))
    return wq_list


# ----------------------------------------------------------------------------------------------
# Grouping helpers (the first and last lines of every *_conv / *_fc function)
# ----------------------------------------------------------------------------------------------

def _group_conv(wq_int, group_size):
    K, C, H, W = wq_int.shape
    if C < group_size:
        group_size = C
    NUM_GROUP = K * W * H * C // group_size
    # torch: wq_int.permute([0, 2, 3, 1]).unsqueeze(-1).view(NUM_GROUP, group_size); the view
    # raises when numel is not NUM_GROUP * group_size, and so does reshape.
    wq = np.transpose(np.asarray(wq_int, dtype=F32), (0, 2, 3, 1)).reshape(NUM_GROUP, group_size)
    return wq, (K, C, H, W), group_size, NUM_GROUP


def _ungroup_conv(wq_int_new, dims):
    K, C, H, W = dims
    # torch: wq_int_new.view(K, H, W, C).permute(0, 3, 1, 2)
    return np.ascontiguousarray(wq_int_new.reshape(K, H, W, C).transpose(0, 3, 1, 2))


def _group_fc(wq_int, group_size):
    K, C = wq_int.shape
    if C < group_size:
        group_size = C
    NUM_GROUP = K * C // group_size
    wq = np.asarray(wq_int, dtype=F32).reshape(NUM_GROUP, group_size)
    return wq, (K, C), group_size, NUM_GROUP


# ----------------------------------------------------------------------------------------------
# binary_pruning.py: rounded averaging
# ----------------------------------------------------------------------------------------------

def _round_avg_groups(wq_int, w_bitwidth, group_size, num_pruned_column, NUM_GROUP):
    wqb_twosComplement = int_to_twosComplement(wq_int, w_bitwidth=w_bitwidth)

    prune_until = np.full([NUM_GROUP], w_bitwidth - num_pruned_column, dtype=np.int64)
    eq_msb_column = np.ones([NUM_GROUP], dtype=bool)
    for i in range(1, w_bitwidth - 4):
        eq_column = np.all(wqb_twosComplement[0] == wqb_twosComplement[i], axis=-1)
        eq_msb_column = np.logical_and(eq_msb_column, eq_column)
        prune_until[eq_msb_column] += 1

    column_test = np.zeros_like(wqb_twosComplement, dtype=F32)
    for prune_idx in range(w_bitwidth - num_pruned_column, w_bitwidth):
        mask_group = prune_until == prune_idx
        mask_value = np.broadcast_to(mask_group[:, None], (NUM_GROUP, group_size))
        column_test[prune_idx:, mask_value] = wqb_twosComplement[prune_idx:, mask_value]
        value_test = binary_to_int(column_test[prune_idx:], w_bitwidth=w_bitwidth - prune_idx)
        value_mean = np.round(np.mean(value_test, axis=-1, dtype=F32))
        value_mean = np.broadcast_to(value_mean[:, None], (NUM_GROUP, group_size))
        column_new = int_to_binary(value_mean, w_bitwidth=w_bitwidth - prune_idx)
        wqb_twosComplement[prune_idx:, mask_value] = column_new[:, mask_value]

    return twosComplement_to_int(wqb_twosComplement, w_bitwidth=w_bitwidth)


def roundAvg_conv(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4):
    wq, dims, group_size, NUM_GROUP = _group_conv(wq_int, group_size)
    new = _round_avg_groups(wq, w_bitwidth, group_size, num_pruned_column, NUM_GROUP)
    return _ungroup_conv(new, dims)


def roundAvg_fc(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4):
    wq, dims, group_size, NUM_GROUP = _group_fc(wq_int, group_size)
    new = _round_avg_groups(wq, w_bitwidth, group_size, num_pruned_column, NUM_GROUP)
    return new.reshape(dims)


# ----------------------------------------------------------------------------------------------
# The rounding loops shared (verbatim in the original) by zeroPointShifting_* and bitFlip_*.
# Arrays carry any leading batch shape ([rp_factor, NUM_GROUP] or [NUM_GROUP]) + [group_size].
# ----------------------------------------------------------------------------------------------

def _test_and_round(wqb_signMagnitude, prune_until, test_until, value_like, w_bitwidth,
                    group_size, num_pruned_column):
    value_test = np.zeros_like(value_like, dtype=F32)
    value_new = np.zeros_like(value_like, dtype=F32)

    for test_idx in range(1, w_bitwidth):
        mask = test_until == test_idx
        column_test = wqb_signMagnitude[test_idx:, mask, :]
        int_test = binary_to_int(column_test, w_bitwidth=w_bitwidth - test_idx)
        value_test[mask] = int_test

    batch = prune_until.shape
    for prune_idx in range(w_bitwidth - num_pruned_column, w_bitwidth):
        for test_idx in range(1, prune_idx):
            mask_group = np.logical_and(test_until == test_idx, prune_until == prune_idx)
            if SKIP_EMPTY_PAIRS and not mask_group.any():
                continue
            mask_group = np.broadcast_to(mask_group[..., None], batch + (group_size,))
            error = np.full(batch + (group_size,), 1e7, dtype=F32)
            for n in range(2 ** (prune_idx - test_idx)):
                tmp_value = n * 2. ** (w_bitwidth - prune_idx)
                new_error = (F32(tmp_value) - value_test) ** 2
                mask_value = np.logical_and(new_error < error, mask_group)
                error[mask_value] = new_error[mask_value]
                value_new[mask_value] = tmp_value
            column_new = int_to_binary(value_new, w_bitwidth=w_bitwidth - test_idx)
            wqb_signMagnitude[test_idx:, mask_group] = column_new[:, mask_group]


# ----------------------------------------------------------------------------------------------
# binary_pruning.py: zero-point shifting
# ----------------------------------------------------------------------------------------------

def _zero_point_groups(wq_int, w_bitwidth, group_size, num_pruned_column, const_bitwidth,
                       NUM_GROUP):
    v_max = 2. ** (w_bitwidth - 1) - 1
    v_min = -v_max
    offset_min = -2 ** int(const_bitwidth - 1)
    offset_max = 2 ** int(const_bitwidth - 1)
    rp_factor = offset_max - offset_min

    wq_int_rp = np.repeat(wq_int[None], rp_factor, axis=0).astype(F32)
    for i, offset in enumerate(range(offset_min, offset_max)):
        wq_int_rp[i] = wq_int_rp[i] + F32(offset)

    wq_int_rp[wq_int_rp < v_min] = v_min
    wq_int_rp[wq_int_rp > v_max] = v_max

    wqb_signMagnitude = int_to_signMagnitude(wq_int_rp, w_bitwidth=w_bitwidth)

    prune_until = np.full([rp_factor, NUM_GROUP], w_bitwidth - num_pruned_column, dtype=np.int64)
    test_until = np.full([rp_factor, NUM_GROUP], 1, dtype=np.int64)
    is_msb_zero = np.ones([rp_factor, NUM_GROUP], dtype=bool)
    for i in range(1, w_bitwidth):
        is_current_zero = np.all(wqb_signMagnitude[i] == 0., axis=-1)
        is_msb_zero = np.logical_and(is_msb_zero, is_current_zero)
        prune_until[is_msb_zero] += 1
        test_until[is_msb_zero] += 1

    _test_and_round(wqb_signMagnitude, prune_until, test_until, wq_int_rp, w_bitwidth,
                    group_size, num_pruned_column)

    wq_int_pruned = signMagnitude_to_int(wqb_signMagnitude, w_bitwidth=w_bitwidth)
    for i, offset in enumerate(range(offset_min, offset_max)):
        wq_int_pruned[i] = wq_int_pruned[i] - F32(offset)

    wq_int_original = wq_int.astype(F32)
    wq_int_new = np.zeros_like(wq_int_original, dtype=F32)
    error = np.full([NUM_GROUP], 1e7, dtype=F32)
    for i in range(rp_factor):
        new_error = np.sum((wq_int_pruned[i] - wq_int_original) ** 2, axis=-1, dtype=F32)
        mask_value = new_error < error
        error[mask_value] = new_error[mask_value]
        wq_int_new[mask_value] = wq_int_pruned[i][mask_value]
    return wq_int_new


def zeroPointShifting_conv(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4,
                           const_bitwidth=5):
    wq, dims, group_size, NUM_GROUP = _group_conv(wq_int, group_size)
    new = _zero_point_groups(wq, w_bitwidth, group_size, num_pruned_column, const_bitwidth,
                             NUM_GROUP)
    return _ungroup_conv(new, dims)


def zeroPointShifting_fc(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4,
                         const_bitwidth=5):
    wq, dims, group_size, NUM_GROUP = _group_fc(wq_int, group_size)
    new = _zero_point_groups(wq, w_bitwidth, group_size, num_pruned_column, const_bitwidth,
                             NUM_GROUP)
    return new.reshape(dims)


# ----------------------------------------------------------------------------------------------
# bit_flip.py
# ----------------------------------------------------------------------------------------------

def _bit_flip_groups(wq_int, w_bitwidth, group_size, num_pruned_column, NUM_GROUP):
    wqb_signMagnitude = int_to_signMagnitude(wq_int, w_bitwidth=w_bitwidth)

    zero_column_mask = np.zeros([w_bitwidth, NUM_GROUP], dtype=bool)
    for i in range(w_bitwidth):
        eq_zero = np.all(wqb_signMagnitude[i] == 0., axis=-1)
        zero_column_mask[i][eq_zero] = True

    prune_until = np.full([NUM_GROUP], w_bitwidth - num_pruned_column, dtype=np.int64)
    for i in range(1, w_bitwidth):
        mask = np.logical_and(prune_until > i, zero_column_mask[i])
        prune_until[mask] += 1

    test_until = np.full([NUM_GROUP], 1, dtype=np.int64)
    for i in range(1, w_bitwidth):
        mask = np.logical_and(prune_until > i, zero_column_mask[i])
        test_until[mask] = i + 1

    _test_and_round(wqb_signMagnitude, prune_until, test_until, wq_int, w_bitwidth, group_size,
                    num_pruned_column)

    return signMagnitude_to_int(wqb_signMagnitude, w_bitwidth=w_bitwidth)


def bitFlip_conv(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4):
    wq, dims, group_size, NUM_GROUP = _group_conv(wq_int, group_size)
    new = _bit_flip_groups(wq, w_bitwidth, group_size, num_pruned_column, NUM_GROUP)
    return _ungroup_conv(new, dims)


def bitFlip_fc(wq_int, w_bitwidth=8, group_size=16, num_pruned_column=4):
    wq, dims, group_size, NUM_GROUP = _group_fc(wq_int, group_size)
    new = _bit_flip_groups(wq, w_bitwidth, group_size, num_pruned_column, NUM_GROUP)
    return new.reshape(dims)


# ----------------------------------------------------------------------------------------------
# Dispatch and command line
# ----------------------------------------------------------------------------------------------

METHODS = ("round-avg", "zero-point", "bit-flip")


def prune(method, weights, group_size, columns, const_bits=5):
    """Runs the conv (rank 4) or fc (rank 2) reference function; returns float32."""
    w = np.asarray(weights).astype(F32)
    if w.ndim not in (2, 4):
        raise ValueError(f"expected a rank 2 (fc) or rank 4 (conv) tensor, got shape {w.shape}")
    conv = w.ndim == 4
    if method == "round-avg":
        fn = roundAvg_conv if conv else roundAvg_fc
        return fn(w, w_bitwidth=8, group_size=group_size, num_pruned_column=columns)
    if method == "zero-point":
        fn = zeroPointShifting_conv if conv else zeroPointShifting_fc
        return fn(w, w_bitwidth=8, group_size=group_size, num_pruned_column=columns,
                  const_bitwidth=const_bits)
    if method == "bit-flip":
        fn = bitFlip_conv if conv else bitFlip_fc
        return fn(w, w_bitwidth=8, group_size=group_size, num_pruned_column=columns)
    raise ValueError(f"unknown method {method!r}: expected one of {', '.join(METHODS)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("method", choices=METHODS)
    parser.add_argument("input", help="integer .npy, rank 2 [K, C] or 4 [K, C, H, W]")
    parser.add_argument("output", help="result .npy (float32)")
    parser.add_argument("--group-size", type=int, required=True)
    parser.add_argument("--columns", type=int, required=True)
    parser.add_argument("--const-bits", type=int, default=5,
                        help="zero-point const_bitwidth (reference default 5)")
    parser.add_argument("--literal", action="store_true",
                        help="do not skip empty (prune_idx, test_idx) pairs")
    args = parser.parse_args(argv)
    global SKIP_EMPTY_PAIRS
    if args.literal:
        SKIP_EMPTY_PAIRS = False
    weights = np.load(args.input)
    out = prune(args.method, weights, args.group_size, args.columns, args.const_bits)
    np.save(args.output, out.astype(F32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
