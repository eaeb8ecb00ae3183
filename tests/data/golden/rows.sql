SELECT p.network, p.point_key, p.accel, p.workload_hash, printf('%!.17g', p.total_cycles),
       printf('%!.17g', p.energy_pj), printf('%!.17g', p.weight_sqnr_db),
       printf('%!.17g', p.bits_per_weight), printf('%!.17g', p.useful_fraction),
       l.layer_idx, l.name, printf('%!.17g', l.compute_cycles), printf('%!.17g', l.energy_pj),
       printf('%!.17g', l.weight_dram_bytes)
FROM point_summary p JOIN layer_result l ON l.point_id = p.point_id
ORDER BY p.network, p.point_key, l.layer_idx
