# SPDX-License-Identifier: MIT
"""scikit-learn-style estimators over kmq's clustering: KMeans and GaussianMixture.

They cluster pixels: N x 3 (or N x 4) arrays of uint8 samples, or of floats in [0, 1] (the
``img / 255`` that notebooks use; the codec works in 8 bits, so floats are rounded to the
nearest 1/255 for fitting, and everything reported is in the input's scale). kmq clusters the
distinct colours weighted by their counts, which minimises the same sum of squared distances
over pixels that scikit-learn's KMeans does, far faster.
"""

from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _kmq

_CHUNK = 1 << 16


def _as_pixels(X: Any, what: str) -> Tuple[np.ndarray, float]:
    """X as uint8 pixels for the codec, and the scale of X's values (255 or 1)."""
    array = np.asarray(X)
    if array.ndim != 2 or array.shape[1] not in (3, 4):
        raise ValueError(f"{what} needs an N x 3 (RGB) or N x 4 (RGBA) array of pixels, "
                         f"not shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{what} needs at least one pixel")
    if array.dtype == np.uint8:
        return array, 1.0
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
            raise ValueError(f"{what}: float pixels must be finite and in [0, 1] (img / 255)")
        return np.rint(array * 255).astype(np.uint8), 1 / 255
    if np.issubdtype(array.dtype, np.integer):
        if array.min() < 0 or array.max() > 255:
            raise ValueError(f"{what}: integer pixels must be in 0..255")
        return array.astype(np.uint8), 1.0
    raise TypeError(f"{what} needs uint8 pixels or floats in [0, 1], not dtype {array.dtype}")


def _as_float(X: Any, dims: int, what: str) -> np.ndarray:
    array = np.asarray(X)
    if array.ndim != 2 or array.shape[1] != dims:
        raise ValueError(f"{what} needs an N x {dims} array, as the model was fitted on, "
                         f"not shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{what} needs numbers, not dtype {array.dtype}")
    return array.astype(np.float64, copy=False)


def _squared_distances(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    # |x|^2 - 2 x.c + |c|^2, clipped: the expansion can go slightly negative.
    distances = (np.einsum("ij,ij->i", X, X)[:, None] - 2 * X @ centres.T +
                 np.einsum("ij,ij->i", centres, centres)[None, :])
    return np.maximum(distances, 0)


def _count(name: str, value: Any) -> int:
    """A cluster or component count, checked."""
    if not 1 <= int(value) <= 65536:
        raise ValueError(f"{name} must be in 1..65536, not {value}")
    return int(value)


def _seed(random_state: Optional[int]) -> int:
    """kmq's seed for scikit-learn's random_state (None: kmq's default seed)."""
    return 1 if random_state is None else int(random_state)


def _options(**values: Any) -> list:
    return [f"--{name.replace('_', '-')}={value}" for name, value in values.items()
            if value is not None]


class _Estimator:
    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise AttributeError(f"This {type(self).__name__} instance is not fitted yet: call "
                                 "fit() first")

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor's parameters, as scikit-learn's estimators give them."""
        return {name: getattr(self, name) for name in self._parameters}

    def set_params(self, **params: Any) -> "_Estimator":
        """Sets constructor parameters; returns the estimator."""
        for name, value in params.items():
            if name not in self._parameters:
                raise ValueError(f"{type(self).__name__} has no parameter '{name}'")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        params = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._parameters)
        return f"{type(self).__name__}({params})"


class KMeans(_Estimator):
    """K-means clustering of pixels, as ``sklearn.cluster.KMeans``.

    ``method``: ``"kmeans"`` (k-means++ and Lloyd's iterations over the distinct colours) or
    ``"minibatch"``. ``random_state`` seeds the start (an int; the result is the same for
    every thread count), ``n_init`` runs that many starts and keeps the lowest inertia.

    After ``fit``: ``cluster_centers_`` (K x d float64, in the scale of X), ``labels_``,
    ``inertia_`` (sum of squared distances of the pixels to their centre), ``n_iter_``,
    ``n_features_in_``. K is at most the number of distinct colours of X.
    """

    _parameters = ("n_clusters", "method", "random_state", "max_iter", "tol", "n_init",
                   "batch_size", "n_jobs")

    def __init__(self, n_clusters: int = 8, *, method: str = "kmeans",
                 random_state: Optional[int] = None, max_iter: int = 300, tol: float = 1e-4,
                 n_init: int = 1, batch_size: int = 4096, n_jobs: int = 0) -> None:
        self.n_clusters = n_clusters
        self.method = method
        self.random_state = random_state
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.batch_size = batch_size
        self.n_jobs = n_jobs

    def _fit_once(self, pixels: np.ndarray, seed: int) -> Dict[str, Any]:
        if self.method not in ("kmeans", "minibatch"):
            raise ValueError(f"method must be 'kmeans' or 'minibatch', not {self.method!r}")
        return _kmq.fit_clusters(pixels, _options(
            colors=_count("n_clusters", self.n_clusters), method=self.method, seed=seed,
            max_iterations=int(self.max_iter), tolerance=float(self.tol),
            batch_size=int(self.batch_size), jobs=int(self.n_jobs)))

    def fit(self, X: Any, y: Any = None) -> "KMeans":
        """Clusters the pixels X (N x 3 or N x 4). Returns the estimator."""
        pixels, scale = _as_pixels(X, "KMeans.fit")
        if int(self.n_init) < 1:
            raise ValueError(f"n_init must be at least 1, not {self.n_init}")
        first_seed = _seed(self.random_state)
        best = None
        for start in range(int(self.n_init)):
            model = self._fit_once(pixels, first_seed + start)
            if best is None or model["inertia"] < best["inertia"]:
                best = model
        assert best is not None
        self.cluster_centers_ = best["centres"] * scale
        self.labels_ = best["labels"].astype(np.int64)
        self.n_iter_ = int(best["iterations"])
        self.n_features_in_ = pixels.shape[1]
        if scale == 1.0:
            self.inertia_ = float(best["inertia"])
        else:
            # Measured on X itself, not on its 8-bit rounding.
            X = np.asarray(X, dtype=np.float64)
            self.inertia_ = float(((X - self.cluster_centers_[self.labels_]) ** 2).sum())
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """Fits, then returns ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X: Any) -> np.ndarray:
        """The nearest centre of every row of X."""
        self._check_fitted()
        X = _as_float(X, self.n_features_in_, "KMeans.predict")
        labels = np.empty(len(X), dtype=np.int64)
        for begin in range(0, len(X), _CHUNK):
            part = X[begin:begin + _CHUNK]
            labels[begin:begin + len(part)] = _squared_distances(
                part, self.cluster_centers_).argmin(axis=1)
        return labels

    def transform(self, X: Any) -> np.ndarray:
        """Distances (Euclidean) of every row of X to every centre: N x K."""
        self._check_fitted()
        X = _as_float(X, self.n_features_in_, "KMeans.transform")
        return np.sqrt(_squared_distances(X, self.cluster_centers_))

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fits, then returns ``transform(X)``."""
        return self.fit(X).transform(X)

    def score(self, X: Any, y: Any = None) -> float:
        """Minus the inertia of X under the fitted centres (scikit-learn's convention)."""
        self._check_fitted()
        X = _as_float(X, self.n_features_in_, "KMeans.score")
        return -float(sum(_squared_distances(X[b:b + _CHUNK], self.cluster_centers_).min(axis=1)
                          .sum() for b in range(0, len(X), _CHUNK)))


class GaussianMixture(_Estimator):
    """A Gaussian mixture of pixels with full covariances, as
    ``sklearn.mixture.GaussianMixture``: started from kmq's K-means, then EM.

    After ``fit``: ``means_`` (K x d), ``covariances_`` (K x d x d), ``weights_``,
    ``precisions_cholesky_``, ``n_iter_``, ``converged_``, ``lower_bound_`` (mean
    log-likelihood per pixel), ``labels_`` (the component of highest responsibility), all in
    the scale of X. ``reg_covar`` is added to the covariance diagonals (in X's scale).
    """

    _parameters = ("n_components", "random_state", "max_iter", "tol", "reg_covar", "n_jobs")

    def __init__(self, n_components: int = 1, *, random_state: Optional[int] = None,
                 max_iter: int = 100, tol: float = 1e-3, reg_covar: float = 1e-6,
                 n_jobs: int = 0) -> None:
        self.n_components = n_components
        self.random_state = random_state
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> "GaussianMixture":
        """Fits the mixture to the pixels X (N x 3 or N x 4). Returns the estimator."""
        pixels, scale = _as_pixels(X, "GaussianMixture.fit")
        model = _kmq.fit_clusters(pixels, _options(
            colors=_count("n_components", self.n_components), method="gmm",
            seed=_seed(self.random_state),
            max_iterations=int(self.max_iter), gmm_tolerance=float(self.tol),
            gmm_floor=float(self.reg_covar) / scale ** 2, jobs=int(self.n_jobs)))
        dims = pixels.shape[1]
        k = model["centres"].shape[0]
        self.means_ = model["centres"] * scale
        self.weights_ = np.asarray(model["weights"], dtype=np.float64)
        if "covariances" in model:
            self.covariances_ = model["covariances"] * scale ** 2
        else:
            # Every distinct colour its own component: only the floor is left of its spread.
            self.covariances_ = np.tile(np.eye(dims) * float(self.reg_covar), (k, 1, 1))
        self.precisions_cholesky_ = np.stack([
            np.linalg.inv(np.linalg.cholesky(c)).T for c in self.covariances_])
        self.labels_ = model["labels"].astype(np.int64)
        self.n_iter_ = int(model["iterations"])
        self.converged_ = self.n_iter_ < int(self.max_iter)
        self.n_features_in_ = dims
        if "covariances" in model:
            # A density over X = pixels x scale is the pixels' density over scale^dims.
            self.lower_bound_ = float(model["log_likelihood"]) - dims * np.log(scale)
        else:
            self.lower_bound_ = self.score(X)
        return self

    def _estimate_weighted_log_prob(self, X: np.ndarray) -> np.ndarray:
        dims = X.shape[1]
        log_det = np.log(np.diagonal(self.precisions_cholesky_, axis1=1, axis2=2)).sum(axis=1)
        out = np.empty((len(X), len(self.means_)))
        for j, (mean, precision) in enumerate(zip(self.means_, self.precisions_cholesky_)):
            y = (X - mean) @ precision
            out[:, j] = -0.5 * (dims * np.log(2 * np.pi) + np.einsum("ij,ij->i", y, y)) + \
                log_det[j]
        return out + np.log(self.weights_)

    def _log_prob_parts(self, X: Any, what: str) -> Tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        X = _as_float(X, self.n_features_in_, what)
        weighted = self._estimate_weighted_log_prob(X)
        top = weighted.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(weighted - top).sum(axis=1))
        return weighted, log_norm

    def predict(self, X: Any) -> np.ndarray:
        """The component of highest responsibility for every row of X."""
        weighted, _ = self._log_prob_parts(X, "GaussianMixture.predict")
        return weighted.argmax(axis=1)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Every component's responsibility for every row of X: N x K, rows summing to 1."""
        weighted, log_norm = self._log_prob_parts(X, "GaussianMixture.predict_proba")
        return np.exp(weighted - log_norm[:, None])

    def score_samples(self, X: Any) -> np.ndarray:
        """The log-likelihood of every row of X."""
        return self._log_prob_parts(X, "GaussianMixture.score_samples")[1]

    def score(self, X: Any, y: Any = None) -> float:
        """The mean log-likelihood of the rows of X."""
        return float(self.score_samples(X).mean())

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """Fits, then returns ``labels_``."""
        return self.fit(X).labels_
