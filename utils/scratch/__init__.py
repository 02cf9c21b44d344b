"""From-scratch implementations built in the chapters, each tested against PyTorch.

One module per topic; the docstring of each says which chapter introduces it:

- ``utils.scratch.activations`` -- activation functions and their derivatives (chapter 2)
- ``utils.scratch.perceptron``  -- Rosenblatt's perceptron rule and a separability test (chapter 2)
- ``utils.scratch.mlp``         -- an MLP's forward pass, softmax, parameter counts (chapter 3)
"""
