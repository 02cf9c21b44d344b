import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from utils.device import set_seed
from utils.train import accuracy, evaluate, train


def toy_loaders():
    # Two well-separated blobs: any working loop learns them to ~100 %.
    set_seed(0)
    X = torch.cat([torch.randn(100, 2) + 3, torch.randn(100, 2) - 3])
    y = torch.cat([torch.zeros(100), torch.ones(100)]).long()
    data = TensorDataset(X, y)
    return DataLoader(data, batch_size=20, shuffle=True), DataLoader(data, batch_size=50)


def test_train_learns_and_returns_history(capsys):
    train_loader, val_loader = toy_loaders()
    model = nn.Linear(2, 2)
    history = train(model, train_loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                    epochs=5, val_loader=val_loader, progress=False)
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert all(len(v) == 5 for v in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["val_acc"][-1] > 0.95
    assert "final: train_loss" in capsys.readouterr().out


def test_train_without_validation_has_train_keys_only():
    train_loader, _ = toy_loaders()
    model = nn.Linear(2, 2)
    history = train(model, train_loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                    epochs=1, progress=False, verbose=False)
    assert set(history) == {"train_loss", "train_acc"}


def test_evaluate_restores_training_mode_and_matches_accuracy():
    _, loader = toy_loaders()
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    result = evaluate(model, loader, nn.CrossEntropyLoss())
    assert model.training
    X, y = loader.dataset.tensors
    model.eval()
    assert result["acc"] == pytest.approx(accuracy(model(X), y))
    assert set(result) == {"loss", "acc"}
    assert set(evaluate(model, loader)) == {"acc"}


def test_bad_arguments_raise_clear_errors():
    loader, _ = toy_loaders()
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs"):
        train(model, loader, nn.CrossEntropyLoss(), opt, epochs=0)
    with pytest.raises(TypeError, match="nn.Module"):
        train(lambda x: x, loader, nn.CrossEntropyLoss(), opt, epochs=1)
    with pytest.raises(TypeError, match="Optimizer"):
        train(model, loader, nn.CrossEntropyLoss(), "sgd", epochs=1)
    with pytest.raises(TypeError, match="loader"):
        evaluate(model, 3)
    with pytest.raises(ValueError, match="empty"):
        evaluate(model, [])
    with pytest.raises(ValueError, match="logits"):
        accuracy(torch.zeros(3), torch.zeros(3))
