// How varied a set of images is, in a feature extractor's space, against the variety of real images: the mean
// distance between two different images of the set over the same mean for the real set. A translator that has
// collapsed (every input becomes one of a few outputs) scores near 0 even when each output passes the class
// judge and FID is only moderately high; a translator whose outputs vary as much as real images of the target
// domain scores near 1. It is the simplest of the pairwise-distance diversity measures (LPIPS diversity in
// BicycleGAN/MUNIT works the same way, in a network's perceptual features).
import { Tensor, tidy } from '../torch';

/**
 * The mean Euclidean distance over all pairs (i ≠ j) of the rows of features [N, D], N ≥ 2; in float64, from
 * ‖x‖² + ‖y‖² − 2x·y (clamped at 0 against rounding), so N×N distances cost one matmul.
 */
export function meanPairwiseDistance(features: Tensor): number {
  const [n] = features.shape;
  if (features.shape.length !== 2) throw new Error(`mean pairwise distance: features [N, D] expected, got [${features.shape.join(', ')}]`);
  if (n < 2) throw new Error(`mean pairwise distance: needs at least 2 rows, got ${n}`);
  return tidy(() => {
    const x = features.to({ dtype: 'float64' });
    const norms = x.square().sum([1], true);
    const squared = norms.add(norms.transpose(0, 1)).sub(x.matmul(x.transpose(0, 1)).mul(2)).clamp(0);
    // The diagonal (each row with itself) is 0 up to rounding; it is left out of the mean by count, and its
    // rounding (at most a few ulps of ‖x‖², under the square root) is far below the distances measured.
    return squared.sqrt().sum().item() / (n * (n - 1));
  });
}

/** meanPairwiseDistance(outputs) / meanPairwiseDistance(reference): 0 for a collapsed set, about 1 for real variety. */
export function featureDiversity(outputs: Tensor, reference: Tensor): number {
  const real = meanPairwiseDistance(reference);
  if (!(real > 0)) throw new Error('feature diversity: the reference images are all alike in feature space (mean pairwise distance 0)');
  return meanPairwiseDistance(outputs) / real;
}
