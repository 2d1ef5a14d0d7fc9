# Writes the lookup table the application compiles in. The mixing loop stands in for a code generator's work
# (a few seconds of one CPU), so the stage costs time as real generators do.
ROWS = 4096
ROUNDS = 2500
MASK = (1 << 64) - 1
x = 0x9E3779B97F4A7C15
values = []
for i in range(ROWS):
    for _ in range(ROUNDS):
        x = (x * 6364136223846793005 + i) & MASK
        x ^= x >> 29
    values.append(x)
print("#define TABLE_SIZE %d" % ROWS)
print("static const unsigned long table[TABLE_SIZE] = {")
for start in range(0, ROWS, 4):
    print("  " + ", ".join("%dUL" % v for v in values[start:start + 4]) + ",")
print("};")
