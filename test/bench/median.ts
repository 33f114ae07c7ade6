/** The value `fraction` of the way through the sorted values, interpolated between neighbours (0.5: the median). */
export function quantile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}
