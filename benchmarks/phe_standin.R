# An R stand-in for PHEindicatormethods, used by benchmarks/run.py when the package
# itself cannot be installed (this machine has Debian's R and dplyr but no CRAN).
#
# Usage: Rscript phe_standin.R FOLDER REPEATS KEY[,KEY...]   (as phe_methods.R)
#
# Each call does what PHEindicatormethods' function of the same purpose does, written
# here from the package's documented methods (not its code): the same input checks as
# vectorised `any()` tests, the same dplyr verbs (group_by + summarise, mutate), and the
# published formulas:
#   proportion  Wilson score limits (Newcombe 1998, method 3), as phe_proportion
#   rate        exact Poisson limits (chi-squared) below 10 events, Byar's approximation
#               from 10, as phe_rate
#   mean        Student's t limits, as phe_mean
#   isratio     observed / expected, exact or Byar limits on the observed, as
#               calculate_ISRatio (expected = population x reference rate per person)
#   funnels     each area's significance against the funnel at 95% and 99.8%, as
#               assign_funnel_significance: proportions by the area's value against
#               sigma_adjustment's limits at its own denominator (Spiegelhalter 2005;
#               the package's formula as published), rates by the area's own exact /
#               Byar limits against the expected count n x centre (Fingertips' rule)
# It is leaner than the package (no argument matching, no metadata columns), so its time
# is a lower bound on PHEindicatormethods' time: dana's ratio against it understates
# dana's ratio against the package. Its results must equal dana's to 1e-9 (r_side.py
# checks), which checks the formulas too.

suppressPackageStartupMessages(library(dplyr))

args <- commandArgs(trailingOnly = TRUE)
folder <- args[[1]]
repeats <- as.integer(args[[2]])
keys <- strsplit(args[[3]], ",")[[1]]
rows <- read.csv(file.path(folder, "rows.csv"), stringsAsFactors = FALSE)
z <- qnorm(0.975)

check_counts <- function(x, n) {
  if (any(is.na(x) | is.na(n))) stop("x and n must not be missing")
  if (any(x < 0) || any(n <= 0)) stop("x must be >= 0 and n > 0")
  invisible(TRUE)
}

wilson <- function(data, multiplier) {
  check_counts(data$x, data$n)
  if (any(data$x > data$n)) stop("x must not exceed n")
  data %>% mutate(
    value = x / n * multiplier,
    lowercl = (2 * x + z^2 - z * sqrt(z^2 + 4 * x * (1 - x / n))) / 2 / (n + z^2) * multiplier,
    uppercl = (2 * x + z^2 + z * sqrt(z^2 + 4 * x * (1 - x / n))) / 2 / (n + z^2) * multiplier
  )
}

byar_or_exact <- function(data, multiplier) {
  check_counts(data$x, data$n)
  data %>% mutate(
    value = x / n * multiplier,
    lowercl = if_else(
      x < 10,
      qchisq(0.025, 2 * x) / 2 / n * multiplier,
      x * (1 - 1 / (9 * x) - z / 3 / sqrt(x))^3 / n * multiplier
    ),
    uppercl = if_else(
      x < 10,
      qchisq(0.975, 2 * x + 2) / 2 / n * multiplier,
      (x + 1) * (1 - 1 / (9 * (x + 1)) + z / 3 / sqrt(x + 1))^3 / n * multiplier
    )
  )
}

# observed / expected with exact or Byar limits on the observed, as calculate_ISRatio
isratio <- function(data) {
  if (any(is.na(data$x) | is.na(data$expected))) stop("x and expected must not be missing")
  if (any(data$x < 0) || any(data$expected <= 0)) stop("x must be >= 0 and expected > 0")
  data %>% mutate(
    value = x / expected,
    lowercl = if_else(
      x < 10, qchisq(0.025, 2 * x) / 2, x * (1 - 1 / (9 * x) - z / 3 / sqrt(x))^3
    ) / expected,
    uppercl = if_else(
      x < 10, qchisq(0.975, 2 * x + 2) / 2,
      (x + 1) * (1 - 1 / (9 * (x + 1)) + z / 3 / sqrt(x + 1))^3
    ) / expected
  )
}

t_mean <- function(grouped) {
  if (any(is.na(grouped$value))) stop("value must not be missing")
  grouped %>%
    summarise(value_sum = sum(value), value_count = n(), stdev = sd(value), .groups = "drop") %>%
    mutate(
      value = value_sum / value_count,
      half = qt(0.975, value_count - 1) * stdev / sqrt(value_count),
      lowercl = value - half,
      uppercl = value + half
    )
}

# the funnel limits for proportions (PHEindicatormethods' sigma_adjustment formula)
sigma_adjustment <- function(p, population, average_proportion, side, multiplier) {
  zz <- qnorm(p)^2
  first_part <- average_proportion * (population / zz + 1)
  adj <- sqrt((-8 * average_proportion * (population / zz + 1))^2 -
                64 * (1 / zz + 1 / population) * average_proportion *
                (population * (average_proportion * (population / zz + 2) - 1) +
                   zz * (average_proportion - 1)))
  last_part <- (1 / zz + 1 / population)
  limit <- if (side == "low") (first_part - adj / 8) / last_part else (first_part + adj / 8) / last_part
  pmin(pmax(limit / population * multiplier, 0), multiplier)
}

funnel_labels <- function(high_wide, high_narrow, low_wide, low_narrow) {
  case_when(
    high_wide ~ "High (0.001)", high_narrow ~ "High (0.025)",
    low_wide ~ "Low (0.001)", low_narrow ~ "Low (0.025)", TRUE ~ "Not significant"
  )
}

funnel_proportion <- function(data, multiplier = 100) {
  check_counts(data$x, data$n)
  if (any(data$x > data$n)) stop("x must not exceed n")
  average <- sum(as.numeric(data$x)) / sum(as.numeric(data$n))
  data %>% mutate(
    value = x / n * multiplier,
    lowercl = sigma_adjustment(0.975, n, average, "low", multiplier),
    uppercl = sigma_adjustment(0.975, n, average, "high", multiplier),
    significance = funnel_labels(
      value > sigma_adjustment(0.999, n, average, "high", multiplier), value > uppercl,
      value < sigma_adjustment(0.999, n, average, "low", multiplier), value < lowercl
    )
  )
}

# the area's own Poisson limits on the count (exact below 10, Byar from 10)
poisson_count_limits <- function(x, level) {
  zl <- qnorm(1 - (1 - level) / 2)
  list(
    lower = if_else(x < 10, qchisq((1 - level) / 2, 2 * x) / 2,
                    x * (1 - 1 / (9 * x) - zl / 3 / sqrt(x))^3),
    upper = if_else(x < 10, qchisq(1 - (1 - level) / 2, 2 * x + 2) / 2,
                    (x + 1) * (1 - 1 / (9 * (x + 1)) + zl / 3 / sqrt(x + 1))^3)
  )
}

funnel_rate <- function(data, multiplier = 100000) {
  check_counts(data$x, data$n)
  # as doubles: n * sum(x) overflows R's 32-bit integers
  expected <- as.numeric(data$n) * (sum(as.numeric(data$x)) / sum(as.numeric(data$n)))
  narrow <- poisson_count_limits(data$x, 0.95)
  wide <- poisson_count_limits(data$x, 0.998)
  data %>% mutate(
    value = x / n * multiplier,
    significance = funnel_labels(
      wide$lower > expected, narrow$lower > expected,
      wide$upper < expected, narrow$upper < expected
    )
  )
}

summed <- function() {
  rows %>% group_by(area, period) %>% summarise(x = sum(x), n = sum(n), .groups = "drop")
}

calls <- list(
  proportion_ungrouped = function() wilson(rows, 100),
  proportion_grouped = function() wilson(summed(), 100),
  rate_ungrouped = function() byar_or_exact(rows, 100000),
  rate_grouped = function() byar_or_exact(summed(), 100000),
  isratio_ungrouped = function() isratio(rows %>% mutate(expected = n * ref_rate)),
  isratio_grouped = function() {
    isratio(rows %>% group_by(area, period) %>%
              summarise(x = sum(x), expected = sum(n * ref_rate), .groups = "drop"))
  },
  mean_ungrouped = function() t_mean(rows),
  mean_grouped = function() t_mean(rows %>% group_by(area, period)),
  funnel_proportion = function() funnel_proportion(rows),
  funnel_rate = function() funnel_rate(rows)
)

timings <- data.frame(key = character(), seconds = numeric(), stringsAsFactors = FALSE)
for (key in keys) {
  call <- calls[[key]]
  if (is.null(call)) next
  result <- NULL
  times <- numeric(repeats)
  for (i in seq_len(repeats)) {
    started <- Sys.time()
    result <- call()
    times[i] <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  }
  timings[nrow(timings) + 1, ] <- list(key, median(times))
  keep <- intersect(c("value", "lowercl", "uppercl", "significance"), names(result))
  write.csv(format(as.data.frame(result)[keep], digits = 17),
            file.path(folder, paste0("result_", key, ".csv")), row.names = FALSE)
}
write.csv(timings, file.path(folder, "timings.csv"), row.names = FALSE)
