"""Makes the small fixtures of PyTorchFileTests and NPZTests (run with a Python that has torch and numpy):

    python Tests/TensorFormatsTests/Fixtures/make_fixtures.py

- small_zip.pth, small_legacy.pth: the same dict saved by torch.save in the zip format and in the legacy
  one (_use_new_zipfile_serialization=False): a module's state dict (an OrderedDict with _metadata,
  float32 and an int64 scalar), views with offsets and strides into shared storages (float64, int64),
  an expanded tensor (stride 0), float16, an empty tensor and an nn.Parameter (_rebuild_parameter).
- small_expected.safetensors: the same tensors, contiguous, written by the small writer below (the
  safetensors package is not needed).
- stats.npz (np.savez, stored) and stats_compressed.npz (np.savez_compressed, deflated): pytorch-fid's
  --save-stats layout, mu float64 [4] and sigma float64 [4, 4], plus a float32 and an int64 array.
"""
import collections
import json
import os
import struct

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)

module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
state = module.state_dict()  # an OrderedDict with _metadata
state["0.weight"] = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7
state["1.running_var"] = torch.tensor([0.5, 1.25])
whole = torch.arange(24, dtype=torch.float64) * 0.1 - 1
state["double.whole"] = whole
state["double.view"] = whole[5:17].view(3, 4)[:, 1:3]          # offset 6, strides (4, 1), not contiguous
state["double.permuted"] = whole.view(2, 3, 4).permute(2, 0, 1)  # strides (1, 12, 4)
longs = torch.arange(-6, 6, dtype=torch.int64) * 1_000_000_007
state["long.transposed"] = longs.view(3, 4).t()                # strides (1, 4)
state["long.scalar"] = longs[7]                                 # a 0-d view at offset 7
state["float.expanded"] = torch.tensor([1.5, -2.25, 3.0]).view(3, 1).expand(3, 4)  # stride 0
state["half"] = torch.tensor([0.5, -1.0, 65504.0, 6e-8], dtype=torch.float16)
state["empty"] = torch.zeros(0, 3)
state["parameter"] = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))

torch.save(state, os.path.join(here, "small_zip.pth"))
torch.save(state, os.path.join(here, "small_legacy.pth"), _use_new_zipfile_serialization=False)

dtypes = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8"), torch.int64: ("I64", "<i8"),
          torch.float16: ("F16", "<f2")}
header, data = collections.OrderedDict(), b""
for key, tensor in state.items():
    name, numpy_type = dtypes[tensor.dtype]
    raw = tensor.detach().contiguous().numpy().astype(numpy_type).tobytes()
    header[key] = {"dtype": name, "shape": list(tensor.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
text = json.dumps(header).encode()
with open(os.path.join(here, "small_expected.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)

mu = np.array([0.1, -2.5, 3.25, 1e-300])
sigma = np.array([[1.0, 0.5, 0.25, 0.125], [0.5, 2.0, -1.0, 1e10], [0.25, -1.0, 3.0, 0.0], [0.125, 1e10, 0.0, 4.0]])
extra = {"features": np.arange(6, dtype=np.float32).reshape(2, 3) / 3, "counts": np.array([7, -8, 2**40], dtype=np.int64)}
np.savez(os.path.join(here, "stats.npz"), mu=mu, sigma=sigma, **extra)
np.savez_compressed(os.path.join(here, "stats_compressed.npz"), mu=mu, sigma=sigma, **extra)
