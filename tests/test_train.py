import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from utils.device import set_seed
from utils.train import accuracy, count_parameters, evaluate, train


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


def test_train_as_regression_with_a_scheduler(capsys):
    set_seed(0)
    X = torch.randn(64, 3)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]])
    loader = DataLoader(TensorDataset(X, y), batch_size=16)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    history = train(model, loader, nn.MSELoss(), optimizer, epochs=4, metric=None, scheduler=scheduler,
                    val_loader=loader, progress=False)
    assert set(history) == {"train_loss", "val_loss", "lr"}
    assert history["lr"] == [0.1, 0.1, 0.05, 0.05]  # the rate each epoch trained with
    assert history["val_loss"][-1] < history["val_loss"][0] / 4
    assert evaluate(model, loader, nn.MSELoss(), metric=None).keys() == {"loss"}


def test_train_steps_a_warmup_schedule_per_batch():
    train_loader, _ = toy_loaders()  # 10 batches per epoch
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=10)
    history = train(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs=2, scheduler=warmup,
                    scheduler_step="batch", progress=False, verbose=False)
    assert history["lr"][0] == pytest.approx(0.01) and history["lr"][1] == pytest.approx(0.1)


def test_train_rejects_a_bad_scheduler_setting():
    train_loader, _ = toy_loaders()
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="lr_scheduler"):
        train(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs=1, scheduler="cosine")
    with pytest.raises(ValueError, match="'epoch' or 'batch'"):
        train(model, train_loader, nn.CrossEntropyLoss(), optimizer, epochs=1,
              scheduler=torch.optim.lr_scheduler.StepLR(optimizer, 1), scheduler_step="step")
    with pytest.raises(ValueError, match="loss_fn, a metric, or both"):
        evaluate(model, train_loader, metric=None)


def test_count_parameters_counts_every_scalar_or_only_trainable_ones():
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    assert count_parameters(model) == 64 * 128 + 128 + 128 * 10 + 10 == 9610
    assert count_parameters(nn.Conv2d(1, 4, kernel_size=3)) == 40
    assert count_parameters(nn.ReLU()) == 0
    for p in model[0].parameters():
        p.requires_grad_(False)
    assert count_parameters(model) == 9610
    assert count_parameters(model, trainable_only=True) == 1290
    shared = nn.Linear(3, 3)
    assert count_parameters(nn.Sequential(shared, shared)) == 12  # a shared layer counts once
    with pytest.raises(TypeError, match="nn.Module"):
        count_parameters([torch.zeros(3)])
