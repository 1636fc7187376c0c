package org.rnnscore.job;

import org.rnnscore.model.UsageException;

/**
 * What a score run does with rows that cannot be scored.
 *
 * @param quarantine false: the job fails on the first bad row (the default); true: bad rows go to
 *     {@code rejects} with their reason and good rows are scored
 * @param maxBadRows with quarantine, fail when more rows than this are bad (−1: no limit)
 * @param maxBadPercent with quarantine, fail when more than this percentage is bad (−1: no limit)
 */
public record BadRowPolicy(boolean quarantine, String rejects, long maxBadRows, double maxBadPercent) {
  public static final BadRowPolicy FAIL = new BadRowPolicy(false, null, -1, -1);

  public BadRowPolicy {
    if (quarantine && (rejects == null || rejects.isBlank())) {
      throw new UsageException("--on-bad-row quarantine needs --rejects PATH, where the bad rows are written");
    }
    if (!quarantine && rejects != null) {
      throw new UsageException("--rejects is only used with --on-bad-row quarantine");
    }
    if (!quarantine && (maxBadRows >= 0 || maxBadPercent >= 0)) {
      throw new UsageException("--max-bad-rows is only used with --on-bad-row quarantine (fail stops at the first)");
    }
  }

  /** "fail" or "quarantine", and a threshold "N" or "N%". */
  public static BadRowPolicy parse(String onBadRow, String rejects, String maxBadRows) {
    boolean quarantine;
    switch (onBadRow) {
      case "fail":
        quarantine = false;
        break;
      case "quarantine":
        quarantine = true;
        break;
      default:
        throw new UsageException("--on-bad-row '" + onBadRow + "' is not one of: fail, quarantine");
    }
    long count = -1;
    double percent = -1;
    if (maxBadRows != null) {
      try {
        if (maxBadRows.endsWith("%")) {
          percent = Double.parseDouble(maxBadRows.substring(0, maxBadRows.length() - 1));
          if (!(percent >= 0 && percent <= 100)) {
            throw new NumberFormatException();
          }
        } else {
          count = Long.parseLong(maxBadRows);
          if (count < 0) {
            throw new NumberFormatException();
          }
        }
      } catch (NumberFormatException e) {
        throw new UsageException("--max-bad-rows '" + maxBadRows + "' is neither a count (e.g. 100) nor a percentage"
            + " between 0 and 100 (e.g. 0.5%)");
      }
    }
    return new BadRowPolicy(quarantine, rejects, count, percent);
  }

  /** Whether {@code bad} of {@code total} rows is past the threshold. */
  boolean exceeded(long bad, long total) {
    if (maxBadRows >= 0 && bad > maxBadRows) {
      return true;
    }
    return maxBadPercent >= 0 && total > 0 && bad * 100.0 / total > maxBadPercent;
  }

  String thresholdText() {
    return maxBadRows >= 0 ? String.valueOf(maxBadRows) : maxBadPercent + "%";
  }
}
