local function main()
  local s = 0
  for i = 0, 10000000 - 1 do s = s + i * 2 end
  return s
end
print(string.format("%d", main()))
