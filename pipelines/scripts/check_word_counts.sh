#!/bin/sh
# QA for review_words: the word counts must not be empty. Arguments (from etlctl):
#   --min_words=N  --test_name=<pipeline>.<step>  [--sns_topic_arn=<warning topic>]
min=1
for a in "$@"; do
  case "$a" in --min_words=*) min="${a#--min_words=}" ;; esac
done
words=$(cat "${INPUT1_STAGING_DIR:?}"/* 2>/dev/null | wc -l)
echo "words: $words (minimum $min)"
[ "$words" -ge "$min" ]
