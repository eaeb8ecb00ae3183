"""Exports the PyTorch models whose ONNX files are checked in under tests/data/onnx (run once, by
hand, with Debian's python3-torch; the tests only read the files):

  torch_encoder_layer.onnx  nn.TransformerEncoderLayer(d_model 32, 4 heads, FFN 64) on
                            [batch, 8, 32] (batch_first)
  torch_bert_tiny.onnx      BERT-style: token + position embeddings, LayerNorm, 2 encoder
                            layers, tanh pooler on the first token, 2-class head; ids [batch, 8]
  torch_vit_tiny.onnx       ViT-style: 4x4 patch conv on [batch, 3, 16, 16], class token,
                            position embeddings, 1 encoder layer, LayerNorm, 10-class head

Each export has a symbolic batch dimension, so the attention reshapes are computed at run time
(Shape -> Gather -> Unsqueeze -> Concat -> Reshape), which the importer must fold.

usage: python3 tests/networks/make_torch_onnx.py tests/data/onnx
"""
import os
import sys

import torch
from torch import nn

D, HEADS, FFN, TOKENS = 32, 4, 64, 8


def encoder_layer():
    return nn.TransformerEncoderLayer(D, HEADS, FFN, dropout=0.0, batch_first=True)


class BertTiny(nn.Module):
    def __init__(self, vocab=50):
        super().__init__()
        self.tokens = nn.Embedding(vocab, D)
        self.positions = nn.Embedding(TOKENS, D)
        self.norm = nn.LayerNorm(D)
        self.encoder = nn.TransformerEncoder(encoder_layer(), num_layers=2)
        self.pooler = nn.Linear(D, D)
        self.classifier = nn.Linear(D, 2)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = self.norm(self.tokens(ids) + self.positions(positions))
        x = self.encoder(x)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


class VitTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, D, kernel_size=4, stride=4)
        self.cls = nn.Parameter(torch.zeros(1, 1, D))
        self.positions = nn.Parameter(torch.zeros(1, 17, D))
        self.encoder = nn.TransformerEncoder(encoder_layer(), num_layers=1)
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, 10)

    def forward(self, image):
        x = self.patch(image).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.positions
        return self.head(self.norm(self.encoder(x))[:, 0])


def export(model, example, input_name, path):
    # nn.TransformerEncoder deep-copies its layer, and torch.onnx.export then shares the equal
    # weights through Identity nodes; trained models have distinct weights, so draw them anew.
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.1)
    model.eval()
    torch.onnx.export(model, example, path, input_names=[input_name], output_names=["y"],
                      dynamic_axes={input_name: {0: "batch"}, "y": {0: "batch"}},
                      opset_version=14, do_constant_folding=True)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    export(encoder_layer(), torch.randn(1, TOKENS, D), "x",
           os.path.join(out, "torch_encoder_layer.onnx"))
    export(BertTiny(), torch.randint(0, 50, (1, TOKENS)), "ids",
           os.path.join(out, "torch_bert_tiny.onnx"))
    export(VitTiny(), torch.randn(1, 3, 16, 16), "image", os.path.join(out, "torch_vit_tiny.onnx"))


if __name__ == "__main__":
    main()
