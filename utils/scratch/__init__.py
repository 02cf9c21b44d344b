"""From-scratch implementations built in the chapters, each tested against PyTorch.

One module per topic; the docstring of each says which chapter introduces it.
"""
