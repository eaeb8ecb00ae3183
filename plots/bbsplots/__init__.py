"""Figures of a bbs-dse result database (the MICRO'24 BBS paper's Figs. 12-15 and more).

Entry point: plots/bbs_plot.py. Each figure module has `draw(ctx)` returning (name, figure) pairs.
"""
