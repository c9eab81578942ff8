local function main()
  local counts, xs = {}, {}
  for i = 0, 300000 - 1 do xs[#xs + 1] = i % 97 end
  for _, x in ipairs(xs) do
    local k = tostring(x % 13)
    counts[k] = (counts[k] or 0) + x
  end
  local total = 0
  for _, v in pairs(counts) do total = total + v end
  return total
end
print(string.format("%d", main()))
