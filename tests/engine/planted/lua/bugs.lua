-- Inventory helpers for the shop module.
local M = {}

local function load_items(path)
  local f = io.open(path, "r")
  local text = f:read("*a") -- expect: oc-lua:io-open-unchecked
  f:close()
  return text
end

function M.total(items)
  local sum = 0
  for i = 1, #items do
    sum = sum + items[i].price
  end
  return summ -- missed: undefined global (typo)
end

function M.add(items, item)
  count = #items + 1 -- expect: oc-lua:global-assignment
  items[count] = item
end

function M.find(items, id)
  local found = nil -- expect: oc-lua:unused-local
  for _, item in ipairs(items) do
    if item.id == id then
      return item
    end
  end
end

function M.save(path, items)
  pcall(M.write, path, items) -- missed: discarded pcall status (oc-lua:pcall-result-ignored is off by default: the try-and-ignore idiom)
end

function M.same(a)
  return a == a -- expect: oc-lua:self-comparison
end

function M.label(item)
  local name = item.name
  local name = name or "unknown" -- expect: oc-lua:redeclared-local
  return name
end

function M.count(items)
  local n = 0
  for k, v in pairs(items) do -- expect: oc-lua:unused-loop-variable
    n = n + 1
  end
  return n
end

function M.read(path)
  return load_items(path)
end

return M
