"""NetCDF (classic, 64-bit offset) bytes from labelled numpy arrays, without xarray.

The classic format (Unidata, "NetCDF Classic Format Specification", CDF-2 with 64-bit
offsets) written in the encoding xarray's ``scipy`` engine uses, so ``scipy.io`` and
``xarray.open_dataset`` read the file back as the Dataset it came from (tested):
floats with a NaN ``_FillValue``, integer coordinates as int32 (NetCDF-3 has no
int64), strings as UTF-8 character arrays with a ``string<N>`` dimension and
``_Encoding = "utf-8"``. Written out here because importing xarray (with pandas)
costs about a second on the reference machine and ``scipy.io`` (which pulls in
scipy.sparse) ~0.3 s, while a point run's whole budget is 1.5 s.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["Var", "netcdf_bytes"]

# (name, dims, values, attrs) of one variable
Var = tuple[str, tuple[str, ...], np.ndarray, Mapping[str, Any]]

_INT32 = np.iinfo(np.int32)
NC_BYTE, NC_CHAR, NC_SHORT, NC_INT, NC_FLOAT, NC_DOUBLE = 1, 2, 3, 4, 5, 6
NC_DIMENSION, NC_VARIABLE, NC_ATTRIBUTE = b"\0\0\0\x0a", b"\0\0\0\x0b", b"\0\0\0\x0c"
ABSENT = b"\0" * 8
# numpy type (without byte order) -> (nc_type, big-endian dtype)
_TYPES = {
    "i1": (NC_BYTE, ">i1"),
    "u1": (NC_BYTE, ">i1"),
    "i2": (NC_SHORT, ">i2"),
    "i4": (NC_INT, ">i4"),
    "f4": (NC_FLOAT, ">f4"),
    "f8": (NC_DOUBLE, ">f8"),
}


def _chars(values: np.ndarray) -> np.ndarray:
    """Strings -> (n, width) UTF-8 character array (width at least 1)."""
    raw = [str(v).encode("utf-8") for v in values.ravel()]
    width = max([len(b) for b in raw] + [1])
    return (
        np.array(raw, dtype=f"S{width}")
        .reshape(values.shape)
        .view("S1")
        .reshape((*values.shape, width))
    )


def _encode(values: np.ndarray, attrs: Mapping[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """Values and attributes as NetCDF-3 stores them (xarray's CF encoding)."""
    out = dict(attrs)
    if values.dtype.kind in "US" or values.dtype == object:
        return _chars(values), {**out, "_Encoding": "utf-8"}
    if values.dtype.kind in "iub":
        if values.size and (values.min() < _INT32.min or values.max() > _INT32.max):
            msg = "integer values out of the int32 range of NetCDF-3"
            raise ValueError(msg)
        return values.astype(np.int32), out
    if values.dtype not in (np.float32, np.float64):
        values = values.astype(np.float64)
    return values, {**out, "_FillValue": values.dtype.type(np.nan)}


def _pad(raw: bytes) -> bytes:
    return raw + b"\0" * (-len(raw) % 4)


def _int(n: int) -> bytes:
    return struct.pack(">i", n)


def _name(name: str) -> bytes:
    raw = name.encode("utf-8")
    return _int(len(raw)) + _pad(raw)


def _values(value: Any) -> tuple[int, int, bytes]:
    """(nc_type, count, big-endian payload) of an attribute or variable's values."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return NC_CHAR, len(value), value
    if isinstance(value, bool | np.bool_):
        value = np.int8(value)
    elif isinstance(value, int):
        value = np.int32(value)
    elif isinstance(value, float):
        value = np.float64(value)
    arr = np.asarray(value)
    if arr.dtype.kind == "S":
        return NC_CHAR, arr.size, arr.tobytes()
    nc_type, dtype = _TYPES[arr.dtype.str[1:]]
    return nc_type, arr.size, np.ascontiguousarray(arr, dtype=dtype).tobytes()


def _attributes(attrs: Mapping[str, Any]) -> bytes:
    if not attrs:
        return ABSENT
    out = [NC_ATTRIBUTE, _int(len(attrs))]
    for key, value in attrs.items():
        nc_type, count, payload = _values(value)
        out += [_name(key), _int(nc_type), _int(count), _pad(payload)]
    return b"".join(out)


def netcdf_bytes(variables: Iterable[Var], attrs: Mapping[str, Any] | None = None) -> bytes:
    """A NetCDF file (64-bit offset classic format, no record dimension) holding
    ``variables`` [bytes]; deterministic: the same input gives the same bytes."""
    dims: dict[str, int] = {}
    entries = []  # (name, dim ids, encoded attrs, data)
    for name, var_dims, values, var_attrs in variables:
        data, enc_attrs = _encode(np.asarray(values), var_attrs)
        all_dims = tuple(var_dims)
        if data.ndim == len(all_dims) + 1:  # the characters of a string variable
            all_dims = (*all_dims, f"string{data.shape[-1]}")
        for dim, size in zip(all_dims, data.shape, strict=True):
            if dims.setdefault(dim, size) != size:
                msg = f"dimension {dim!r} has sizes {dims[dim]} and {size}"
                raise ValueError(msg)
        ids = [list(dims).index(d) for d in all_dims]
        entries.append((name, ids, _attributes(enc_attrs), data))
    dim_list = [NC_DIMENSION, _int(len(dims))] if dims else [ABSENT]
    for dim, size in dims.items():
        dim_list += [_name(dim), _int(size)]
    head = [b"CDF\x02", _int(0), *dim_list, _attributes(attrs or {})]
    head += [NC_VARIABLE, _int(len(entries))] if entries else [ABSENT]
    metas, payloads = [], []
    for name, ids, enc_attrs, data in entries:
        nc_type, _, payload = _values(data)
        payload = _pad(payload)
        meta = [_name(name), _int(len(ids)), *map(_int, ids), enc_attrs, _int(nc_type)]
        metas.append(b"".join([*meta, _int(len(payload))]))
        payloads.append(payload)
    offset = sum(map(len, head)) + sum(len(m) + 8 for m in metas)  # 8: each "begin"
    body = []
    for meta, payload in zip(metas, payloads, strict=True):
        body.append(meta + struct.pack(">q", offset))
        offset += len(payload)
    return b"".join([*head, *body, *payloads])
