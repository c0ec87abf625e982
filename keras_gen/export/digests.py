"""A `.tflite` that carries its own sha256, so a damaged copy is found before it runs.

The flatbuffer verifier only checks a file's structure; a flipped byte in the
weights passes it. `add_tflite_digest` stores the sha256 of the whole file (its
own 64 digest bytes counted as `"0" * 64`) in a metadata entry, which
interpreters ignore; `check_tflite_digest` recomputes it.
"""

import hashlib

import numpy as np

from keras_gen.core.integrity import CorruptedFileError

TFLITE_IDENTIFIER = b"TFL3"  # flatbuffer file identifier, bytes 4-8 of every .tflite
TFLITE_DIGEST_NAME = "keras_gen_sha256"  # metadata entry holding the file's own digest
_DIGEST_PLACEHOLDER = b"0" * 64  # what the digest's bytes count as while hashing


def _tflite_schema():
    from ai_edge_litert import schema_py_generated

    return schema_py_generated


def _digest_span(content):
    """`(start, end)` of the digest embedded in a `.tflite`, or None if it has none.

    Only for content the LiteRT verifier accepted (offsets are then in bounds).
    `(0, 0)` means a digest entry whose buffer is missing.
    """
    schema = _tflite_schema()
    model = schema.Model.GetRootAs(content, 0)
    for i in range(model.MetadataLength()):
        entry = model.Metadata(i)
        if entry.Name() != TFLITE_DIGEST_NAME.encode():
            continue
        if entry.Buffer() >= model.BuffersLength():
            return (0, 0)
        buffer = model.Buffers(entry.Buffer())
        field = buffer._tab.Offset(4)  # the `data` vector of the Buffer table
        if not field or buffer.DataLength() != len(_DIGEST_PLACEHOLDER):
            return (0, 0)
        start = buffer._tab.Vector(field)
        return (start, start + len(_DIGEST_PLACEHOLDER))
    return None


def _digest_with_placeholder(content, start, end):
    return hashlib.sha256(bytes(content[:start]) + _DIGEST_PLACEHOLDER
                          + bytes(content[end:])).hexdigest()


def add_tflite_digest(content):
    """`content` (a `.tflite` flatbuffer) with its own sha256 in its metadata.

    The digest covers every byte of the file but its own 64, so
    `TFLiteRunner` finds any flipped byte, including in the weights (the
    flatbuffer verifier only checks the structure). Interpreters ignore
    metadata they do not know. `export` adds it to every `.tflite` it writes.
    """
    import flatbuffers

    schema = _tflite_schema()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(content, 0))
    model.metadata = [m for m in (model.metadata or [])
                      if m.name not in (TFLITE_DIGEST_NAME, TFLITE_DIGEST_NAME.encode())]
    model.buffers = model.buffers or []
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(_DIGEST_PLACEHOLDER, np.uint8)
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name, entry.buffer = TFLITE_DIGEST_NAME, len(model.buffers) - 1
    model.metadata.append(entry)
    builder = flatbuffers.Builder(len(content) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=TFLITE_IDENTIFIER)
    packed = bytearray(builder.Output())
    start, end = _digest_span(packed)
    packed[start:end] = _digest_with_placeholder(packed, start, end).encode()
    return bytes(packed)


def check_tflite_digest(content, where="<bytes>"):
    """Raise `CorruptedFileError` if verified `.tflite` content fails its embedded digest.

    Returns True if the content has a digest (it matched), False if it has none.
    """
    span = _digest_span(content)
    if span is None:
        return False
    if span == (0, 0):
        raise CorruptedFileError(where, f"is corrupted: its {TFLITE_DIGEST_NAME} metadata is "
                                 "damaged", "a 64-character sha256 buffer", "none")
    stored = bytes(content[span[0]:span[1]]).decode("ascii", errors="replace")
    actual = _digest_with_placeholder(content, *span)
    if stored != actual:
        raise CorruptedFileError(where, "is corrupted: its bytes differ from the digest it was "
                                 "exported with", f"sha256 {stored}", f"sha256 {actual}")
    return True
