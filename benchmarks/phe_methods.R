# The R side of benchmarks/run.py: PHEindicatormethods on the benchmark's own inputs.
#
# Usage: Rscript phe_methods.R FOLDER REPEATS KEY[,KEY...]
# FOLDER holds rows.csv (and dsr.csv) written by benchmarks/r_side.py; each KEY's calls
# are timed REPEATS times (median written to FOLDER/timings.csv) and the result written
# to FOLDER/result_KEY.csv with 17 significant digits, for dana to check against.
# Needs PHEindicatormethods (built from source: R CMD INSTALL) and dplyr.

suppressPackageStartupMessages({
  library(PHEindicatormethods)
  library(dplyr)
})

args <- commandArgs(trailingOnly = TRUE)
folder <- args[[1]]
repeats <- as.integer(args[[2]])
keys <- strsplit(args[[3]], ",")[[1]]

read <- function(name) {
  path <- file.path(folder, paste0(name, ".csv"))
  if (file.exists(path)) read.csv(path, stringsAsFactors = FALSE) else NULL
}
rows <- read("rows")
dsr_rows <- read("dsr")

calls <- list(
  proportion_ungrouped = function() phe_proportion(rows, x, n, multiplier = 100),
  proportion_grouped = function() {
    rows %>% group_by(area, period) %>% summarise(x = sum(x), n = sum(n), .groups = "keep") %>%
      phe_proportion(x, n, multiplier = 100)
  },
  rate_ungrouped = function() phe_rate(rows, x, n, multiplier = 100000),
  rate_grouped = function() {
    rows %>% group_by(area, period) %>% summarise(x = sum(x), n = sum(n), .groups = "keep") %>%
      phe_rate(x, n, multiplier = 100000)
  },
  mean_ungrouped = function() phe_mean(rows, value),
  mean_grouped = function() rows %>% group_by(area, period) %>% phe_mean(value),
  isratio_grouped = function() {
    rows %>% mutate(x_ref = ref_rate * 1e6, n_ref = 1e6) %>% group_by(area, period) %>%
      calculate_ISRatio(x, n, x_ref, n_ref, refpoptype = "field")
  },
  funnel_proportion = function() {
    assign_funnel_significance(rows, x, n, statistic = "proportion")
  },
  funnel_rate = function() {
    assign_funnel_significance(rows, x, n, statistic = "rate", rate = x / n * 100000,
                               multiplier = 100000, rate_type = "crude")
  },
  dsr_grouped = function() {
    # rows are in ESP2013 band order within each group, so the weights repeat
    grouped <- dsr_rows %>% mutate(esp = rep(esp2013, length.out = n())) %>%
      group_by(area, year, sex)
    # PHEindicatormethods 2.0 takes the standard as a field; 1.x took a vector
    tryCatch(calculate_dsr(grouped, deaths, pop, stdpop = esp),
             error = function(e) calculate_dsr(grouped, deaths, pop, stdpop = esp2013))
  }
)

timings <- data.frame(key = character(), seconds = numeric(), stringsAsFactors = FALSE)
for (key in keys) {
  call <- calls[[key]]
  if (is.null(call)) next
  result <- NULL
  seconds <- tryCatch({
    times <- numeric(repeats)
    for (i in seq_len(repeats)) {
      started <- Sys.time()
      result <- call()
      times[i] <- as.numeric(difftime(Sys.time(), started, units = "secs"))
    }
    median(times)
  }, error = function(e) {
    message(key, ": ", conditionMessage(e))
    NA_real_
  })
  timings[nrow(timings) + 1, ] <- list(key, seconds)
  if (!is.null(result)) {
    keep <- intersect(c("value", "lowercl", "uppercl"), names(result))
    write.csv(format(as.data.frame(result)[keep], digits = 17), file.path(folder,
              paste0("result_", key, ".csv")), row.names = FALSE)
  }
}
write.csv(timings, file.path(folder, "timings.csv"), row.names = FALSE)
