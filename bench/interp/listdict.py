def main():
    counts = {}
    xs = []
    for i in range(300_000):
        xs.append(i % 97)
    for x in xs:
        k = str(x % 13)
        counts[k] = counts.get(k, 0) + x
    total = 0
    for k, v in counts.items():
        total += v
    return total
print(main())
