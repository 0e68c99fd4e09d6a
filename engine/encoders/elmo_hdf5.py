"""Reading and writing the official ELMo weight file (bilm-tf / AllenNLP HDF5 layout).

TensorFlow conventions handled here: conv kernels are (1, width, char_dim, n_filters), dense
kernels are (in, out), LSTM gates are ordered i, j, f, o (PyTorch: i, f, g, o), the LSTM kernel
``W_0`` stacks input and recurrent weights, and TF adds 1.0 to the forget-gate bias at run time.
The character table in the file has no padding row (we add id 0).

The functions take an ``engine.encoders.elmo.ElmoBiLM`` (its char CNN and two LSTM stacks) without importing that
module, which imports this one to load official weights.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.encoders.base import EncoderUnavailable

FORGET_BIAS = 1.0


def _tf_to_torch_gates(matrix: np.ndarray) -> np.ndarray:
    """Reorder gate blocks along axis 0 from TF (i, j, f, o) to PyTorch (i, f, g=j, o)."""
    i, j, f, o = np.split(matrix, 4, axis=0)
    return np.concatenate([i, f, j, o], axis=0)


def _torch_to_tf_gates(matrix: np.ndarray) -> np.ndarray:
    i, f, g, o = np.split(matrix, 4, axis=0)
    return np.concatenate([i, g, f, o], axis=0)


def _lstm_prefix(direction: int, layer: int) -> str:
    return f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"


def _stacks(model: torch.nn.Module):
    return enumerate([model.forward_stack, model.backward_stack])


def hdf5_arrays(model: torch.nn.Module) -> dict[str, np.ndarray]:
    """The model's weights named and shaped as in the official HDF5 file."""
    cnn = model.char_cnn
    out = {"char_embed": cnn.char_embedding.weight.detach().numpy()[1:]}
    for k, conv in enumerate(cnn.convolutions):
        out[f"CNN/W_cnn_{k}"] = conv.weight.detach().numpy().transpose(2, 1, 0)[None]
        out[f"CNN/b_cnn_{k}"] = conv.bias.detach().numpy()
    for k, highway in enumerate(cnn.highways):
        out[f"CNN_high_{k}/W_carry"] = highway.carry.weight.detach().numpy().T
        out[f"CNN_high_{k}/b_carry"] = highway.carry.bias.detach().numpy()
        out[f"CNN_high_{k}/W_transform"] = highway.transform.weight.detach().numpy().T
        out[f"CNN_high_{k}/b_transform"] = highway.transform.bias.detach().numpy()
    if isinstance(cnn.projection, torch.nn.Linear):
        out["CNN_proj/W_proj"] = cnn.projection.weight.detach().numpy().T
        out["CNN_proj/b_proj"] = cnn.projection.bias.detach().numpy()
    for direction, stack in _stacks(model):
        for layer, cell in enumerate(stack.layers):
            lstm, prefix = cell.lstm, _lstm_prefix(direction, layer)
            kernel = np.concatenate([lstm.weight_ih_l0.detach().numpy(), lstm.weight_hh_l0.detach().numpy()], axis=1)
            bias = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy().copy()
            hidden = lstm.hidden_size
            bias[hidden : 2 * hidden] -= FORGET_BIAS
            out[f"{prefix}/W_0"] = _torch_to_tf_gates(kernel).T
            out[f"{prefix}/B"] = _torch_to_tf_gates(bias)
            if lstm.proj_size:
                out[f"{prefix}/W_P_0"] = lstm.weight_hr_l0.detach().numpy().T
    return out


def save_hdf5(model: torch.nn.Module, path: Path) -> None:
    """Write the weights in the official layout (for interoperability and to test the loader)."""
    import h5py

    with h5py.File(path, "w") as handle:
        for name, array in hdf5_arrays(model).items():
            handle.create_dataset(name, data=array.astype(np.float32))


def load_hdf5(model: torch.nn.Module, path: Path) -> None:
    """Fill ``model`` from an official weight file; EncoderUnavailable if it is missing or does not fit."""
    import h5py

    expected = hdf5_arrays(model)
    try:
        with h5py.File(path, "r") as handle:
            arrays = {name: np.asarray(handle[name][...], dtype=np.float32) for name in expected}
    except (OSError, KeyError) as error:
        raise EncoderUnavailable(f"ELMO_WEIGHTS file {path} is missing, corrupt or not an ELMo weight file ({error}).") from error
    for name, array in arrays.items():
        if array.size != expected[name].size:
            raise EncoderUnavailable(
                f"ELMO_WEIGHTS dataset {name} has shape {array.shape}, but ELMO_OPTIONS implies {expected[name].shape}: "
                "the options and weights files do not belong together."
            )
        arrays[name] = array.reshape(expected[name].shape)
    _assign(model, arrays)


def _assign(model: torch.nn.Module, arrays: dict[str, np.ndarray]) -> None:
    def put(parameter: torch.nn.Parameter, value: np.ndarray) -> None:
        with torch.no_grad():
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))

    cnn = model.char_cnn
    put(cnn.char_embedding.weight, np.concatenate([np.zeros_like(arrays["char_embed"][:1]), arrays["char_embed"]]))
    for k, conv in enumerate(cnn.convolutions):
        put(conv.weight, arrays[f"CNN/W_cnn_{k}"][0].transpose(2, 1, 0))
        put(conv.bias, arrays[f"CNN/b_cnn_{k}"])
    for k, highway in enumerate(cnn.highways):
        put(highway.carry.weight, arrays[f"CNN_high_{k}/W_carry"].T)
        put(highway.carry.bias, arrays[f"CNN_high_{k}/b_carry"])
        put(highway.transform.weight, arrays[f"CNN_high_{k}/W_transform"].T)
        put(highway.transform.bias, arrays[f"CNN_high_{k}/b_transform"])
    if isinstance(cnn.projection, torch.nn.Linear):
        put(cnn.projection.weight, arrays["CNN_proj/W_proj"].T)
        put(cnn.projection.bias, arrays["CNN_proj/b_proj"])
    for direction, stack in _stacks(model):
        for layer, cell in enumerate(stack.layers):
            lstm, prefix = cell.lstm, _lstm_prefix(direction, layer)
            kernel = _tf_to_torch_gates(arrays[f"{prefix}/W_0"].T)
            bias = _tf_to_torch_gates(arrays[f"{prefix}/B"]).copy()
            hidden = lstm.hidden_size
            bias[hidden : 2 * hidden] += FORGET_BIAS
            put(lstm.weight_ih_l0, kernel[:, : lstm.input_size])
            put(lstm.weight_hh_l0, kernel[:, lstm.input_size :])
            put(lstm.bias_ih_l0, bias)
            put(lstm.bias_hh_l0, np.zeros_like(bias))
            if lstm.proj_size:
                put(lstm.weight_hr_l0, arrays[f"{prefix}/W_P_0"].T)
