"""From-scratch implementations built in the chapters, each tested against PyTorch.

One module per topic; the docstring of each says which chapter introduces it:

- ``utils.scratch.activations`` -- activation functions and their derivatives (chapter 2)
- ``utils.scratch.perceptron``  -- Rosenblatt's perceptron rule and a separability test (chapter 2)
- ``utils.scratch.mlp``         -- an MLP's parameters and forward pass, softmax (chapter 3; chapter 4 builds on it)
- ``utils.scratch.autograd``    -- a scalar autograd engine, ``Value`` (chapter 4)
- ``utils.scratch.autograd_plot`` -- drawing a ``Value``'s computational graph (chapter 4)
- ``utils.scratch.backprop``    -- backpropagation for chapter 3's MLP in matrix form (chapter 4)
- ``utils.scratch.gradcheck``   -- gradient checking by finite differences and autograd (chapter 4)
- ``utils.scratch.optim``       -- SGD with momentum, RMSProp and Adam (chapter 5)
- ``utils.scratch.conv``        -- convolution (loops and im2col), pooling, receptive fields (chapter 6)
- ``utils.scratch.generative``  -- Gaussian KL, reparameterised sampling, DDPM schedule and sampler (chapter 9)

``_validate`` (private) holds the argument checks the modules share.
"""
