"""A text split as the quality scripts score it: its first 90 % (trained on) and its last 10 % (held out), by
characters, written as DIR/train.txt and DIR/test.txt with the text's own line ends.

Usage: python3 scripts/split_held_out.py TEXT DIR
"""
import sys

text = open(sys.argv[1], encoding='utf-8', newline='').read()
cut = len(text) * 9 // 10
open(sys.argv[2] + '/train.txt', 'w', encoding='utf-8', newline='').write(text[:cut])
open(sys.argv[2] + '/test.txt', 'w', encoding='utf-8', newline='').write(text[cut:])
