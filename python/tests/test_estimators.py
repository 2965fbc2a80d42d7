# SPDX-License-Identifier: MIT
"""kmq.KMeans and kmq.GaussianMixture against scikit-learn on small data."""

import numpy as np
import pytest

import kmq
from conftest import gradient

sklearn_cluster = pytest.importorskip("sklearn.cluster")
sklearn_mixture = pytest.importorskip("sklearn.mixture")


def pixels(seed=3):
    return gradient(80, 100, 3, seed).reshape(-1, 3)


def inertia_of(X, centres, labels):
    X = np.asarray(X, np.float64)
    return float(((X - centres[labels]) ** 2).sum())


@pytest.mark.parametrize("k", [4, 16, 64])
def test_kmeans_inertia_no_worse_than_sklearn(k):
    X = pixels()
    ours = kmq.KMeans(n_clusters=k, random_state=0).fit(X)
    assert ours.cluster_centers_.shape == (k, 3) and ours.cluster_centers_.dtype == np.float64
    assert ours.labels_.shape == (len(X),)
    assert ours.inertia_ == pytest.approx(inertia_of(X, ours.cluster_centers_, ours.labels_),
                                          rel=1e-6)
    theirs = [sklearn_cluster.KMeans(n_clusters=k, n_init=1, random_state=seed).fit(X).inertia_
              for seed in range(3)]
    assert ours.inertia_ <= np.median(theirs) * 1.005
    assert ours.n_iter_ >= 1
    # Labels are each pixel's nearest centre, as predict gives them.
    assert np.array_equal(ours.predict(X), ours.labels_) or inertia_of(
        X, ours.cluster_centers_, ours.predict(X)) <= ours.inertia_ * (1 + 1e-9)


def test_kmeans_float_input_in_unit_range():
    X = pixels()
    as_float = kmq.KMeans(16, random_state=0).fit(X / 255)
    as_bytes = kmq.KMeans(16, random_state=0).fit(X)
    assert np.allclose(as_float.cluster_centers_ * 255, as_bytes.cluster_centers_)
    assert np.array_equal(as_float.labels_, as_bytes.labels_)
    assert as_float.inertia_ == pytest.approx(as_bytes.inertia_ / 255 ** 2, rel=1e-6)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        kmq.KMeans(4).fit(X.astype(float))


def test_kmeans_methods_transform_and_determinism():
    X = pixels()
    model = kmq.KMeans(8, random_state=5)
    labels = model.fit_predict(X)
    assert np.array_equal(labels, kmq.KMeans(8, random_state=5).fit(X).labels_)
    distances = model.transform(X[:50])
    assert distances.shape == (50, 8)
    assert np.array_equal(distances.argmin(axis=1), model.predict(X[:50]))
    assert model.score(X) == pytest.approx(-inertia_of(X, model.cluster_centers_,
                                                       model.predict(X)), rel=1e-9)
    minibatch = kmq.KMeans(8, method="minibatch", random_state=1).fit(X)
    assert minibatch.cluster_centers_.shape == (8, 3)
    best_of_three = kmq.KMeans(8, random_state=1, n_init=3).fit(X)
    assert best_of_three.inertia_ <= kmq.KMeans(8, random_state=1).fit(X).inertia_
    assert model.get_params()["n_clusters"] == 8
    assert "KMeans(n_clusters=8" in repr(model)


def test_kmeans_rgba_and_more_clusters_than_colours():
    X = gradient(20, 20, 4).reshape(-1, 4)
    assert kmq.KMeans(4, random_state=0).fit(X).cluster_centers_.shape == (4, 4)
    few = np.repeat(np.array([[0, 0, 0], [255, 0, 0], [0, 0, 255]], np.uint8), 10, axis=0)
    model = kmq.KMeans(8).fit(few)
    assert model.cluster_centers_.shape == (3, 3) and model.inertia_ == 0


def test_kmeans_bad_input():
    with pytest.raises(ValueError, match="N x 3"):
        kmq.KMeans(4).fit(np.zeros((10, 2), np.uint8))
    with pytest.raises(TypeError, match="dtype"):
        kmq.KMeans(4).fit(np.zeros((10, 3), dtype=complex))
    with pytest.raises(ValueError, match="n_clusters"):
        kmq.KMeans(0).fit(np.zeros((10, 3), np.uint8))
    with pytest.raises(AttributeError, match="not fitted"):
        kmq.KMeans(4).predict(np.zeros((10, 3)))


def test_gaussian_mixture_against_sklearn():
    X = pixels()
    ours = kmq.GaussianMixture(n_components=6, random_state=0).fit(X)
    assert ours.means_.shape == (6, 3) and ours.covariances_.shape == (6, 3, 3)
    assert ours.weights_.sum() == pytest.approx(1)
    probabilities = ours.predict_proba(X[:200])
    assert probabilities.shape == (200, 6)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert np.array_equal(probabilities.argmax(axis=1), ours.predict(X[:200]))
    # Our densities are scikit-learn's for the same parameters.
    reference = sklearn_mixture.GaussianMixture(n_components=6, covariance_type="full")
    reference.means_, reference.covariances_, reference.weights_ = (
        ours.means_, ours.covariances_, ours.weights_)
    reference.precisions_cholesky_ = ours.precisions_cholesky_
    assert ours.score(X) == pytest.approx(reference.score(X), rel=1e-9)
    assert np.allclose(ours.predict_proba(X[:200]), reference.predict_proba(X[:200]))
    # The fit is as good as scikit-learn's from its own k-means start.
    theirs = sklearn_mixture.GaussianMixture(n_components=6, random_state=0).fit(X)
    assert ours.score(X) >= theirs.score(X) - 0.05
    assert ours.lower_bound_ == pytest.approx(ours.score(X), abs=1e-3)
    assert (ours.labels_ == ours.predict(X)).mean() > 0.99


def test_gaussian_mixture_float_scale():
    X = pixels()
    on_bytes = kmq.GaussianMixture(4, random_state=0).fit(X)
    on_floats = kmq.GaussianMixture(4, random_state=0, reg_covar=1e-6 / 255 ** 2).fit(X / 255)
    assert np.allclose(on_floats.means_ * 255, on_bytes.means_)
    assert np.allclose(on_floats.covariances_ * 255 ** 2, on_bytes.covariances_)
    assert on_floats.score(X / 255) == pytest.approx(on_bytes.score(X) + 3 * np.log(255),
                                                     rel=1e-9)
