"""The leaf layer: what every other part of keras_gen may use, importing nothing of it.

Atomic writes (`safe_io`), file integrity (`integrity`), argument checks
(`validation`), gradients (`autodiff`), config objects, the preset registry as
plain data, the backend check, the time limit and the progress bar.
"""
