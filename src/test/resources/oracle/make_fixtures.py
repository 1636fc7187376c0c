#!/usr/bin/python3
"""Makes the oracle fixtures of OracleFixturesTest: one small Keras 2 (tf.keras 2.12-style) legacy
full-model .h5 per layer and option value, 16 input rows, and the outputs that TensorFlow.js' layers
(@tensorflow/tfjs 4.22.0, through ../shared/tfjs-oracle) give for them.

Nothing here comes from rnnscore: the configs and the file layout are Keras' own (root attributes
model_config / keras_version / backend; model_weights/<layer>/ with weight_names, arrays in Keras'
get_weights() order), the weights are seeded random (non-constant, input width D != units M != outputs K,
BatchNormalization variances positive), and the expected values are tfjs' predictions, each row at its
own length. CI does not run this script (it needs node); its outputs are committed.

Rerun (needs /usr/bin/python3 with numpy + h5py, e.g. `apt-get install -y python3-h5py`, and node):
    cp -r ../shared/tfjs-oracle /tmp/tfjs-oracle && (cd /tmp/tfjs-oracle && npm install)
    /usr/bin/python3 src/test/resources/oracle/make_fixtures.py [/tmp/tfjs-oracle] [NAME ...]
from the repository root. It rewrites src/test/resources/oracle/<name>/{model.h5,input.json,expected.json}
for every fixture (or the NAMEs given); a fixture the oracle refuses is reported and not written.
The caveats of each fixture are in FIXTURES.md beside this file.
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KERAS_VERSION = "2.12.0"
ROWS = 16


# ---------------------------------------------------------------- config helpers (tf.keras 2.12 forms)

def init(cls="GlorotUniform"):
    return {"class_name": cls, "config": {"seed": None}}


ZEROS = {"class_name": "Zeros", "config": {}}
ONES = {"class_name": "Ones", "config": {}}


class Builder:
    """One model: its layers (in model.layers order), their weights, Sequential or Functional."""

    def __init__(self, seed, batch_input_shape, functional=False, input_dtype="float32"):
        self.rng = np.random.default_rng(seed)
        self.layers = []
        self.weights = {}
        self.functional = functional
        self.input_shape = batch_input_shape
        self.input_name = "input_1"
        self.layers.append(("InputLayer", {"batch_input_shape": batch_input_shape, "dtype": input_dtype,
                                           "sparse": False, "ragged": False, "name": self.input_name}, []))
        self.names = {}

    def name(self, base):
        n = self.names.get(base, 0)
        self.names[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def w(self, *shape, scale=0.5):
        return (self.rng.standard_normal(shape) * scale).astype("float32")

    def add(self, cls, name, cfg, weights=(), inbound=None):
        """weights: [(weight_name, array)]; inbound: names of the layers feeding it (Functional)."""
        c = {"name": name, "trainable": True, "dtype": "float32"}
        c.update(cfg)
        self.layers.append((cls, c, inbound))
        self.weights[name] = list(weights)
        return name

    # -- layers
    def dense(self, units, fan_in, activation="linear", use_bias=True, inbound=None, scale=0.5, prefix=None):
        n = self.name("dense")
        ws = [(f"{prefix or n}/kernel:0", self.w(fan_in, units, scale=scale))]
        if use_bias:
            ws.append((f"{prefix or n}/bias:0", self.w(units, scale=0.2)))
        cfg = {"units": units, "activation": activation, "use_bias": use_bias, "kernel_initializer": init(),
               "bias_initializer": ZEROS, "kernel_regularizer": None, "bias_regularizer": None,
               "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
        return n, cfg, ws

    def add_dense(self, units, fan_in, inbound=None, **kw):
        n, cfg, ws = self.dense(units, fan_in, **kw)
        return self.add("Dense", n, cfg, ws, inbound)

    def rnn_cfg(self, cls, units, return_sequences, **extra):
        cfg = {"return_sequences": return_sequences, "return_state": False, "go_backwards": False,
               "stateful": False, "unroll": False, "time_major": False, "units": units, "activation": "tanh",
               "use_bias": True, "kernel_initializer": init(), "recurrent_initializer": init("Orthogonal"),
               "bias_initializer": ZEROS, "kernel_regularizer": None, "recurrent_regularizer": None,
               "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
               "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0}
        if cls != "SimpleRNN":
            cfg["recurrent_activation"] = "sigmoid"
            cfg["implementation"] = 2
        if cls == "LSTM":
            cfg["unit_forget_bias"] = True
        if cls == "GRU":
            cfg["reset_after"] = True
        cfg.update(extra)
        return cfg

    def rnn_weights(self, cls, prefix, units, fan_in, cfg):
        gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[cls]
        cell = {"LSTM": "lstm_cell", "GRU": "gru_cell", "SimpleRNN": "simple_rnn_cell"}[cls]
        ws = [(f"{prefix}/{cell}/kernel:0", self.w(fan_in, gates * units)),
              (f"{prefix}/{cell}/recurrent_kernel:0", self.w(units, gates * units))]
        if cfg.get("use_bias", True):
            shape = (2, 3 * units) if cls == "GRU" and cfg.get("reset_after") else (gates * units,)
            ws.append((f"{prefix}/{cell}/bias:0", self.w(*shape, scale=0.2)))
        return ws

    def add_rnn(self, cls, units, fan_in, return_sequences=False, inbound=None, **extra):
        n = self.name({"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}[cls])
        cfg = self.rnn_cfg(cls, units, return_sequences, **extra)
        return self.add(cls, n, cfg, self.rnn_weights(cls, n, units, fan_in, cfg), inbound)

    def add_bidirectional(self, cls, units, fan_in, merge_mode="concat", return_sequences=False, inbound=None):
        n = self.name("bidirectional")
        inner_name = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}[cls]
        cfg = self.rnn_cfg(cls, units, return_sequences)
        inner = {"class_name": cls, "config": dict({"name": inner_name, "trainable": True, "dtype": "float32"}, **cfg)}
        ws = self.rnn_weights(cls, f"{n}/forward_{inner_name}", units, fan_in, cfg) + \
            self.rnn_weights(cls, f"{n}/backward_{inner_name}", units, fan_in, cfg)
        return self.add("Bidirectional", n, {"layer": inner, "merge_mode": merge_mode}, ws, inbound)

    def add_conv1d(self, filters, kernel_size, fan_in, padding="valid", strides=1, dilation=1, activation="linear",
                   use_bias=True, inbound=None):
        n = self.name("conv1d")
        ws = [(f"{n}/kernel:0", self.w(kernel_size, fan_in, filters))]
        if use_bias:
            ws.append((f"{n}/bias:0", self.w(filters, scale=0.2)))
        cfg = {"filters": filters, "kernel_size": [kernel_size], "strides": [strides], "padding": padding,
               "data_format": "channels_last", "dilation_rate": [dilation], "groups": 1, "activation": activation,
               "use_bias": use_bias, "kernel_initializer": init(), "bias_initializer": ZEROS,
               "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
               "kernel_constraint": None, "bias_constraint": None}
        return self.add("Conv1D", n, cfg, ws, inbound)

    def add_pool1d(self, cls, pool_size, strides=None, padding="valid", inbound=None):
        base = {"MaxPooling1D": "max_pooling1d", "AveragePooling1D": "average_pooling1d"}[cls]
        cfg = {"strides": [strides or pool_size], "pool_size": [pool_size], "padding": padding,
               "data_format": "channels_last"}
        return self.add(cls, self.name(base), cfg, [], inbound)

    def add_global_pool(self, cls, inbound=None):
        base = {"GlobalMaxPooling1D": "global_max_pooling1d",
                "GlobalAveragePooling1D": "global_average_pooling1d"}[cls]
        return self.add(cls, self.name(base), {"data_format": "channels_last", "keepdims": False}, [], inbound)

    def add_bn(self, width, center=True, scale=True, epsilon=0.001, inbound=None, axis=-1):
        n = self.name("batch_normalization")
        ws = []
        if scale:
            ws.append((f"{n}/gamma:0", (1.0 + self.w(width, scale=0.3)).astype("float32")))
        if center:
            ws.append((f"{n}/beta:0", self.w(width, scale=0.3)))
        ws.append((f"{n}/moving_mean:0", self.w(width, scale=0.5)))
        ws.append((f"{n}/moving_variance:0", (0.3 + self.rng.random(width) * 1.5).astype("float32")))
        cfg = {"axis": axis, "momentum": 0.99, "epsilon": epsilon, "center": center, "scale": scale,
               "beta_initializer": ZEROS, "gamma_initializer": ONES, "moving_mean_initializer": ZEROS,
               "moving_variance_initializer": ONES, "beta_regularizer": None, "gamma_regularizer": None,
               "beta_constraint": None, "gamma_constraint": None}
        return self.add("BatchNormalization", n, cfg, ws, inbound)

    def add_ln(self, width, center=True, scale=True, epsilon=0.001, inbound=None, axis=-1):
        n = self.name("layer_normalization")
        ws = []
        if scale:
            ws.append((f"{n}/gamma:0", (1.0 + self.w(width, scale=0.3)).astype("float32")))
        if center:
            ws.append((f"{n}/beta:0", self.w(width, scale=0.3)))
        cfg = {"axis": axis, "epsilon": epsilon, "center": center, "scale": scale, "beta_initializer": ZEROS,
               "gamma_initializer": ONES, "beta_regularizer": None, "gamma_regularizer": None,
               "beta_constraint": None, "gamma_constraint": None}
        return self.add("LayerNormalization", n, cfg, ws, inbound)

    def add_simple(self, cls, base, cfg=None, inbound=None, weights=()):
        return self.add(cls, self.name(base), cfg or {}, weights, inbound)

    # -- writing
    def config(self):
        if not self.functional:
            layers = [{"class_name": cls, "config": cfg} for cls, cfg, _ in self.layers]
            return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
        layers = []
        for cls, cfg, inbound in self.layers:
            nodes = [] if cls == "InputLayer" else [[[i, 0, 0, {}] for i in inbound]]
            layers.append({"class_name": cls, "config": cfg, "name": cfg["name"], "inbound_nodes": nodes})
        return {"class_name": "Functional", "config": {"name": "model", "layers": layers,
                                                        "input_layers": [[self.input_name, 0, 0]],
                                                        "output_layers": [[self.layers[-1][1]["name"], 0, 0]]}}

    def write(self, path):
        cfg = self.config()
        cfg["keras_version"] = KERAS_VERSION
        cfg["backend"] = "tensorflow"
        with h5py.File(path, "w") as f:
            f.attrs["backend"] = "tensorflow"
            f.attrs["keras_version"] = KERAS_VERSION
            f.attrs["model_config"] = json.dumps(cfg)
            mw = f.create_group("model_weights")
            mw.attrs["backend"] = "tensorflow"
            mw.attrs["keras_version"] = KERAS_VERSION
            # Keras lists every layer (an empty weight_names for those without weights), the InputLayer
            # of a Functional model included, a Sequential model's not
            names = [cfg_["name"] for cls, cfg_, _ in self.layers if self.functional or cls != "InputLayer"]
            mw.attrs["layer_names"] = np.array([n.encode() for n in names])
            for n in names:
                g = mw.create_group(n)
                ws = self.weights.get(n, [])
                g.attrs["weight_names"] = np.array([wn.encode() for wn, _ in ws])
                for wn, a in ws:
                    g.create_dataset(wn, data=a)


# ---------------------------------------------------------------- inputs

def rows(seed, width, lengths, mask_steps=False, tokens=None, frame=None):
    """16 rows {"id", "features"}: lengths cycle through the given ones (ragged); values N(0,1), rounded to
    3 decimals. mask_steps: a few rows get all-zero steps (inside and at the end) for Masking."""
    rng = np.random.default_rng(seed + 1000)
    out = []
    for i in range(ROWS):
        t = lengths[i % len(lengths)]
        if tokens is not None:
            f = rng.integers(0 if mask_steps else 1, tokens, size=t).tolist()
        elif frame is not None:
            f = np.round(rng.standard_normal((t,) + tuple(frame)), 3).tolist()
        else:
            a = np.round(rng.standard_normal((t, width)), 3)
            if mask_steps and i % 3 == 1:
                a[1] = 0.0
                if i % 2 == 1:
                    a[-1] = 0.0
            f = a.tolist()
        out.append({"id": i, "features": f})
    return out


RAGGED = [7, 12, 9, 14, 8, 11, 13, 10]


# ---------------------------------------------------------------- the fixtures
# name -> (function(name) -> (Builder, rows), caveat text for FIXTURES.md)
FIXTURES = {}


def fixture(caveat=""):
    def reg(fn):
        FIXTURES[fn.__name__] = (fn, caveat)
        return fn
    return reg


D = 3  # input width everywhere it is free


def seq(seed, T=None, width=D):
    return Builder(seed, [None, T, width])


# -- layers already on main

@fixture()
def lstm_dense():
    b = seq(1)
    b.add_rnn("LSTM", 5, D)
    b.add_dense(2, 5)
    return b, rows(1, D, RAGGED)


@fixture("GRU reset_after=True: the oracle's own GRU cell (predict.mjs)")
def gru_reset_after():
    b = seq(2)
    b.add_rnn("GRU", 5, D)
    b.add_dense(2, 5, activation="sigmoid")
    return b, rows(2, D, RAGGED)


@fixture()
def gru_reset_before():
    b = seq(3)
    b.add_rnn("GRU", 4, D, reset_after=False)
    b.add_dense(2, 4)
    return b, rows(3, D, RAGGED)


@fixture()
def simplernn_stacked_sequences():
    b = seq(4)
    b.add_rnn("SimpleRNN", 5, D, return_sequences=True)
    b.add_rnn("LSTM", 4, 5, return_sequences=True)
    return b, rows(4, D, RAGGED)


@fixture()
def bidirectional_lstm_concat():
    b = seq(5)
    b.add_bidirectional("LSTM", 4, D)
    b.add_dense(2, 8)
    return b, rows(5, D, RAGGED)


@fixture("GRU reset_after=True: the oracle's own GRU cell (predict.mjs)")
def bidirectional_gru_sum():
    b = seq(6)
    b.add_bidirectional("GRU", 4, D, merge_mode="sum")
    b.add_dense(2, 4)
    return b, rows(6, D, RAGGED)


@fixture()
def masking_lstm():
    b = seq(7)
    b.add_simple("Masking", "masking", {"mask_value": 0.0})
    b.add_rnn("LSTM", 5, D)
    b.add_dense(2, 5)
    return b, rows(7, D, RAGGED, mask_steps=True)


@fixture()
def repeatvector_autoencoder():
    b = seq(8)
    b.add_rnn("LSTM", 5, D)
    b.add_simple("RepeatVector", "repeat_vector", {"n": 4})
    b.add_rnn("LSTM", 4, 5, return_sequences=True)
    n, cfg, ws = b.dense(D, 4)
    td = b.name("time_distributed")
    b.add("TimeDistributed", td, {"layer": {"class_name": "Dense", "config": dict(
        {"name": n, "trainable": True, "dtype": "float32"}, **cfg)}},
        [(f"{td}/kernel:0", ws[0][1]), (f"{td}/bias:0", ws[1][1])])
    return b, rows(8, D, RAGGED)


@fixture("fixed T=6: every row has the declared 6 steps (Reshape/Permute move the time axis)")
def reshape_permute():
    b = seq(9, T=6, width=4)
    b.add_simple("Reshape", "reshape", {"target_shape": [4, 6]})
    b.add_simple("Permute", "permute", {"dims": [2, 1]})
    b.add_rnn("LSTM", 5, 4)
    b.add_dense(2, 5)
    return b, rows(9, 4, [6])


@fixture("fixed T=5: Flatten needs the declared steps")
def lstm_flatten_dense():
    b = seq(10, T=5)
    b.add_rnn("GRU", 4, D, return_sequences=True, reset_after=False)
    b.add_simple("Flatten", "flatten", {"data_format": "channels_last"})
    b.add_dense(2, 20)
    return b, rows(10, D, [5])


@fixture()
def embedding_gru():
    b = Builder(11, [None, None], input_dtype="float32")
    b.add("Embedding", "embedding", {"input_dim": 9, "output_dim": 4, "embeddings_initializer": init("RandomUniform"),
                                     "embeddings_regularizer": None, "activity_regularizer": None,
                                     "embeddings_constraint": None, "mask_zero": False, "input_length": None},
          [("embedding/embeddings:0", b.w(9, 4))])
    b.add_rnn("GRU", 5, 4, reset_after=False)
    b.add_dense(3, 5, activation="softmax")
    return b, rows(11, 1, RAGGED, tokens=9)


@fixture()
def dense_activation_dropout_lstm():
    b = seq(12)
    b.add_dense(6, D, scale=1.0)
    b.add_simple("Activation", "activation", {"activation": "tanh"})
    b.add_simple("Dropout", "dropout", {"rate": 0.3, "noise_shape": None, "seed": None})
    b.add_rnn("LSTM", 5, 6)
    b.add_dense(2, 5)
    return b, rows(12, D, RAGGED)


# -- Conv1D

def conv_fixture(seed, k, padding="valid", strides=1, dilation=1, use_bias=True, activation="linear"):
    b = seq(seed)
    b.add_conv1d(6, k, D, padding=padding, strides=strides, dilation=dilation, use_bias=use_bias,
                 activation=activation)
    b.add_rnn("LSTM", 5, 6)
    b.add_dense(2, 5)
    return b, rows(seed, D, RAGGED)


@fixture()
def conv1d_valid():
    return conv_fixture(20, 3, activation="relu")


@fixture()
def conv1d_valid_stride2():
    return conv_fixture(21, 3, strides=2)


@fixture()
def conv1d_valid_dilation2():
    return conv_fixture(22, 3, dilation=2)


@fixture()
def conv1d_same_odd_k():
    return conv_fixture(23, 3, padding="same")


@fixture()
def conv1d_same_even_k():
    return conv_fixture(24, 4, padding="same")


@fixture()
def conv1d_same_stride2():
    return conv_fixture(25, 4, padding="same", strides=2)


@fixture()
def conv1d_same_dilation2():
    return conv_fixture(26, 3, padding="same", dilation=2)


@fixture("causal padding: the oracle's own code (left zero padding of (k-1)*d, predict.mjs)")
def conv1d_causal():
    return conv_fixture(27, 3, padding="causal")


@fixture("causal padding: the oracle's own code (left zero padding of (k-1)*d, predict.mjs)")
def conv1d_causal_dilation2():
    return conv_fixture(28, 3, padding="causal", dilation=2)


@fixture()
def conv1d_no_bias_k1():
    return conv_fixture(29, 1, use_bias=False)


# -- pooling

def pool_fixture(seed, cls, pool, strides=None, padding="valid"):
    b = seq(seed)
    b.add_conv1d(4, 2, D)
    b.add_pool1d(cls, pool, strides, padding)
    b.add_rnn("GRU", 5, 4)
    b.add_dense(2, 5)
    return b, rows(seed, D, RAGGED)


@fixture()
def maxpool1d_valid():
    return pool_fixture(30, "MaxPooling1D", 2)


@fixture()
def maxpool1d_same():
    return pool_fixture(31, "MaxPooling1D", 3, 2, "same")


@fixture()
def maxpool1d_stride1():
    return pool_fixture(32, "MaxPooling1D", 3, 1)


@fixture()
def avgpool1d_valid():
    return pool_fixture(33, "AveragePooling1D", 2)


@fixture("AveragePooling1D same: padded positions are left out of the average (TF's and tfjs' rule)")
def avgpool1d_same():
    return pool_fixture(34, "AveragePooling1D", 3, 2, "same")


@fixture()
def gmp():
    b = seq(35)
    b.add_rnn("LSTM", 5, D, return_sequences=True)
    b.add_global_pool("GlobalMaxPooling1D")
    b.add_dense(2, 5)
    return b, rows(35, D, RAGGED)


@fixture("no mask: tfjs ignores masks in GlobalAveragePooling1D, so the masked case is not oracle-checked")
def gap():
    b = seq(36)
    b.add_conv1d(4, 3, D, padding="same")
    b.add_rnn("GRU", 5, 4, return_sequences=True)
    b.add_global_pool("GlobalAveragePooling1D")
    b.add_dense(2, 5)
    return b, rows(36, D, RAGGED)


# -- normalization

def norm_fixture(seed, kind, **kw):
    b = seq(seed)
    b.add_dense(6, D, scale=1.0)
    (b.add_bn if kind == "bn" else b.add_ln)(6, **kw)
    b.add_rnn("LSTM", 5, 6)
    b.add_dense(2, 5)
    return b, rows(seed, D, RAGGED)


@fixture()
def bn():
    return norm_fixture(40, "bn")


@fixture()
def bn_no_center():
    return norm_fixture(41, "bn", center=False)


@fixture()
def bn_no_scale():
    return norm_fixture(42, "bn", scale=False)


@fixture()
def bn_epsilon_0_1():
    return norm_fixture(43, "bn", epsilon=0.1)


@fixture()
def bn_axis_list():
    return norm_fixture(44, "bn", axis=[2])


@fixture()
def ln():
    return norm_fixture(45, "ln")


@fixture()
def ln_no_center():
    return norm_fixture(46, "ln", center=False)


@fixture()
def ln_no_scale():
    return norm_fixture(47, "ln", scale=False)


@fixture()
def ln_epsilon_0_1():
    return norm_fixture(48, "ln", epsilon=0.1)


@fixture()
def ln_axis_list():
    return norm_fixture(49, "ln", axis=[2])


@fixture()
def masking_then_bn_then_lstm():
    b = seq(50)
    b.add_simple("Masking", "masking", {"mask_value": 0.0})
    b.add_bn(D)
    b.add_rnn("LSTM", 5, D)
    b.add_dense(2, 5)
    return b, rows(50, D, RAGGED, mask_steps=True)


@fixture()
def masking_then_ln_then_gru():
    b = seq(51)
    b.add_simple("Masking", "masking", {"mask_value": 0.0})
    b.add_ln(D)
    b.add_rnn("GRU", 5, D, reset_after=False)
    b.add_dense(2, 5)
    return b, rows(51, D, RAGGED, mask_steps=True)


# -- activation layers: Dense(6) with wide pre-activations, the activation, an RNN

def act_fixture(seed, cls, base, cfg, weights=None, T=None, lengths=RAGGED, masking=False):
    b = seq(seed, T=T)
    if masking:
        b.add_simple("Masking", "masking", {"mask_value": 0.0})
    b.add_dense(6, D, scale=1.2)
    ws = weights(b) if weights else []
    b.add_simple(cls, base, cfg, weights=[(f"{base}/{wn}", a) for wn, a in ws])
    b.add_rnn("LSTM", 5, 6)
    b.add_dense(2, 5)
    return b, rows(seed, D, lengths, mask_steps=masking)


@fixture()
def leakyrelu():
    return act_fixture(60, "LeakyReLU", "leaky_re_lu", {"alpha": 0.2})


@fixture()
def masking_then_leakyrelu():
    return act_fixture(61, "LeakyReLU", "leaky_re_lu", {"alpha": 0.3}, masking=True)


PRELU_CFG = {"alpha_initializer": ZEROS, "alpha_regularizer": None, "alpha_constraint": None}


@fixture("fixed T=8: PReLU without shared_axes has one alpha per (step, channel)")
def prelu():
    return act_fixture(62, "PReLU", "p_re_lu", dict(PRELU_CFG, shared_axes=None),
                       weights=lambda b: [("alpha:0", b.w(8, 6))], T=8, lengths=[8])


@fixture()
def prelu_shared_axes():
    return act_fixture(63, "PReLU", "p_re_lu", dict(PRELU_CFG, shared_axes=[1]),
                       weights=lambda b: [("alpha:0", b.w(1, 6))])


@fixture()
def relu():
    return act_fixture(64, "ReLU", "re_lu", {"max_value": None, "negative_slope": 0.0, "threshold": 0.0})


@fixture()
def relu_max_value():
    return act_fixture(65, "ReLU", "re_lu", {"max_value": 0.6, "negative_slope": 0.0, "threshold": 0.0})


@fixture()
def elu():
    return act_fixture(68, "ELU", "elu", {"alpha": 1.0})  # tfjs refuses alpha != 1


@fixture()
def softmax():
    return act_fixture(69, "Softmax", "softmax", {"axis": -1})


@fixture()
def thresholdedrelu():
    return act_fixture(71, "ThresholdedReLU", "thresholded_re_lu", {"theta": 0.4})


# -- merges on single-input Functional graphs

def branches(seed, merge_cls, merge_base, merge_cfg, widths=(4, 4), three=False, seq_branches=True):
    """input -> LSTM(5, sequences) -> Dense branches -> merge -> GRU(3) -> Dense(2)."""
    b = Builder(seed, [None, None, D], functional=True)
    trunk = b.add_rnn("LSTM", 5, D, return_sequences=seq_branches, inbound=[b.input_name])
    outs = [b.add_dense(w, 5, inbound=[trunk], activation="tanh" if i == 0 else "linear")
            for i, w in enumerate(widths)]
    if three:
        outs.append(b.add_dense(widths[0], 5, inbound=[trunk]))
    merged = b.add_simple(merge_cls, merge_base, merge_cfg, inbound=outs)
    if seq_branches:
        width = sum(widths) if merge_cls == "Concatenate" and merge_cfg.get("axis", -1) == -1 else widths[0]
        r = b.add_rnn("GRU", 3, width, inbound=[merged], reset_after=False)
        b.add_dense(2, 3, inbound=[r])
    else:
        b.add_dense(2, 1 if merge_cls == "Dot" else widths[0], inbound=[merged])
    return b, rows(seed, D, RAGGED)


@fixture()
def concat_branches():
    return branches(80, "Concatenate", "concatenate", {"axis": -1}, widths=(4, 6))


@fixture("Concatenate along the time axis: the merged sequence has 2L steps")
def concat_time_axis():
    return branches(81, "Concatenate", "concatenate", {"axis": 1})


@fixture()
def add_branches():
    return branches(82, "Add", "add", {}, three=True)


@fixture()
def multiply():
    return branches(83, "Multiply", "multiply", {})


@fixture()
def average():
    return branches(84, "Average", "average", {}, three=True)


@fixture()
def maximum():
    return branches(85, "Maximum", "maximum", {})


@fixture()
def minimum():
    return branches(86, "Minimum", "minimum", {})


@fixture()
def dot():
    return branches(87, "Dot", "dot", {"axes": 1, "normalize": False}, seq_branches=False)


@fixture()
def dot_normalize():
    return branches(88, "Dot", "dot", {"axes": 1, "normalize": True}, seq_branches=False)


@fixture("GRU reset_after=True on one branch: the oracle's own GRU cell (predict.mjs)")
def conv_and_rnn_branches_concat():
    b = Builder(89, [None, None, D], functional=True)
    c = b.add_conv1d(4, 3, D, padding="same", activation="relu", inbound=[b.input_name])
    r = b.add_rnn("GRU", 5, D, return_sequences=True, inbound=[b.input_name])
    m = b.add_simple("Concatenate", "concatenate", {"axis": -1}, inbound=[c, r])
    l = b.add_rnn("LSTM", 4, 9, inbound=[m])
    b.add_dense(2, 4, inbound=[l])
    return b, rows(89, D, RAGGED)


# -- TimeDistributed over frames, PruneLowMagnitude

def td(b, inner_cls, inner_base, cfg, weights=()):
    n = b.name("time_distributed")
    inner = {"class_name": inner_cls, "config": dict({"name": inner_base, "trainable": True, "dtype": "float32"}, **cfg)}
    b.add("TimeDistributed", n, {"layer": inner}, [(f"{n}/{wn}", a) for wn, a in weights])
    return n


@fixture("rows are T x 5 x 4 x 2 frames (T ragged)")
def td_conv2d_maxpool2d_flatten():
    b = Builder(90, [None, None, 5, 4, 2])
    conv = {"filters": 3, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
            "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": True, "kernel_initializer": init(),
            "bias_initializer": ZEROS, "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    td(b, "Conv2D", "conv2d", conv, [("kernel:0", b.w(3, 3, 2, 3)), ("bias:0", b.w(3, scale=0.2))])
    td(b, "MaxPooling2D", "max_pooling2d", {"pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
                                            "data_format": "channels_last"})
    td(b, "Flatten", "flatten", {"data_format": "channels_last"})
    b.add_rnn("LSTM", 4, 3)
    b.add_dense(2, 4)
    return b, rows(90, None, [3, 5, 2, 4], frame=(5, 4, 2))


@fixture("rows are T x 4 x 4 x 1 frames; Conv2D same + BatchNormalization per frame")
def td_conv2d_same_bn_flatten():
    b = Builder(91, [None, None, 4, 4, 1])
    conv = {"filters": 2, "kernel_size": [2, 2], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
            "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": True, "kernel_initializer": init(),
            "bias_initializer": ZEROS, "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    td(b, "Conv2D", "conv2d", conv, [("kernel:0", b.w(2, 2, 1, 2)), ("bias:0", b.w(2, scale=0.2))])
    bn = {"axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True, "beta_initializer": ZEROS,
          "gamma_initializer": ONES, "moving_mean_initializer": ZEROS, "moving_variance_initializer": ONES,
          "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}
    td(b, "BatchNormalization", "batch_normalization", bn,
       [("gamma:0", (1 + b.w(2, scale=0.3)).astype("float32")), ("beta:0", b.w(2, scale=0.3)),
        ("moving_mean:0", b.w(2)), ("moving_variance:0", (0.5 + b.rng.random(2)).astype("float32"))])
    td(b, "Flatten", "flatten", {"data_format": "channels_last"})
    b.add_rnn("GRU", 5, 32, reset_after=False)
    b.add_dense(2, 5)
    return b, rows(91, None, [3, 5, 2, 4], frame=(4, 4, 1))


def pruned_dense(b, units, fan_in, seed_mask):
    n, cfg, ws = b.dense(units, fan_in)
    wrapper = f"prune_low_magnitude_{n}"
    mask = (b.rng.random((fan_in, units)) > 0.5).astype("float32")
    weights = [(f"{n}/kernel:0", ws[0][1]), (f"{n}/bias:0", ws[1][1]),
               (f"{wrapper}/mask:0", mask), (f"{wrapper}/threshold:0", np.float32(0.1)),
               (f"{wrapper}/pruning_step:0", np.int64(1000))]
    schedule = {"class_name": "PolynomialDecay", "config": {"initial_sparsity": 0.0, "final_sparsity": 0.5,
                                                             "power": 3, "begin_step": 0, "end_step": 1000,
                                                             "frequency": 100}}
    b.add("PruneLowMagnitude", wrapper, {"layer": {"class_name": "Dense", "config": dict(
        {"name": n, "trainable": True, "dtype": "float32"}, **cfg)}, "pruning_schedule": schedule,
        "block_size": [1, 1], "block_pooling_type": "AVG"}, weights)


@fixture("tfmot PruneLowMagnitude: the oracle unwraps it and multiplies the kernel by the stored mask (export.py)")
def prune_low_magnitude_dense():
    b = seq(95)
    b.add_rnn("LSTM", 5, D)
    pruned_dense(b, 4, 5, 1)
    return b, rows(95, D, RAGGED)


# ---------------------------------------------------------------- running the oracle

def round_values(x):
    if isinstance(x, list):
        return [round_values(v) for v in x]
    return float("%.8g" % x)


def make(name, oracle):
    fn, _ = FIXTURES[name]
    b, rs = fn()
    out = os.path.join(HERE, name)
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model.h5")
        b.write(model)
        inp = os.path.join(tmp, "input.json")
        with open(inp, "w") as f:
            for r in rs:
                f.write(json.dumps(r) + "\n")
        exp = os.path.join(tmp, "expected.json")
        e = subprocess.run(["/usr/bin/python3", os.path.join(oracle, "export.py"), model, os.path.join(tmp, "x")],
                           capture_output=True, text=True)
        if e.returncode != 0:
            return f"export.py: {e.stderr.strip()}"
        p = subprocess.run(["node", os.path.join(oracle, "predict.mjs"), os.path.join(tmp, "x"), inp, exp],
                           capture_output=True, text=True, cwd=oracle)
        if p.returncode != 0:
            return f"predict.mjs: {p.stderr.strip()[:400]}"
        got = json.load(open(exp))
        os.makedirs(out, exist_ok=True)
        os.replace(model, os.path.join(out, "model.h5"))
        os.replace(inp, os.path.join(out, "input.json"))
        with open(os.path.join(out, "expected.json"), "w") as f:
            json.dump({k: round_values(got[k]) for k in sorted(got, key=int)}, f, separators=(",", ":"))
            f.write("\n")
        notes = [l[6:] for l in (e.stderr + p.stderr).splitlines() if l.startswith("note: ")]
        return "ok" + (" (" + "; ".join(notes) + ")" if notes else "")


def main():
    args = sys.argv[1:]
    oracle = "/tmp/tfjs-oracle"
    if args and os.path.isdir(args[0]):
        oracle = args.pop(0)
    names = args or list(FIXTURES)
    failed = 0
    for n in names:
        r = make(n, oracle)
        failed += not r.startswith("ok")
        print(f"{n}: {r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
