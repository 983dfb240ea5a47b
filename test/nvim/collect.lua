-- Headless Neovim as a second real LSP client (Neovim 0.7+ built-in client).
-- Starts the vfio-variant language server over stdio, opens $VFIO_FILE and, once
-- Neovim's own diagnostic handler has stored the server's diagnostics, writes
-- vim.diagnostic.get() for the buffer and the titles of the quick fixes offered
-- for the first diagnostic to $VFIO_OUT as JSON, then quits.
-- Env: VFIO_SERVER_CMD (JSON array: the server command line), VFIO_FILE,
--      VFIO_ROOT (root_dir), VFIO_OUT, VFIO_TIMEOUT_MS.
local cmd = vim.fn.json_decode(os.getenv('VFIO_SERVER_CMD'))
local file = os.getenv('VFIO_FILE')
local out = os.getenv('VFIO_OUT')
local timeout = tonumber(os.getenv('VFIO_TIMEOUT_MS') or '30000')

local done = false
local function finish(payload, code)
  if done then return end
  done = true
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(payload))
  f:close()
  vim.schedule(function() vim.cmd(code == 0 and 'qall!' or (code .. 'cquit!')) end)
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'c' -- the languageId Neovim sends

local started = vim.loop.hrtime()
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
local client_id = vim.lsp.start_client({
  name = 'vfio-variant',
  cmd = cmd,
  root_dir = os.getenv('VFIO_ROOT'),
  settings = { vfioVariant = {} },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      default_handler(err, result, ctx, config) -- Neovim's own conversion and storage
      if result and vim.uri_to_bufnr(result.uri) == bufnr then
        local items = {}
        for _, d in ipairs(vim.diagnostic.get(bufnr)) do
          local lsp = (d.user_data or {}).lsp or {}
          table.insert(items, {
            lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
            severity = d.severity, message = d.message, source = d.source,
            code = d.code or lsp.code,
          })
        end
        local ms = (vim.loop.hrtime() - started) / 1e6
        -- Then the quick fixes the server offers for the first diagnostic.
        local first = result.diagnostics[1]
        if not first then
          finish({ uri = result.uri, diagnostics = items, ms = ms, actions = {} }, 0)
          return
        end
        local client = vim.lsp.get_client_by_id(ctx.client_id)
        client.request('textDocument/codeAction', {
          textDocument = { uri = result.uri },
          range = first.range,
          context = { diagnostics = { first }, only = { 'quickfix' } },
        }, function(aerr, actions)
          local titles = {}
          for _, a in ipairs(actions or {}) do table.insert(titles, a.title) end
          finish({ uri = result.uri, diagnostics = items, ms = ms, actions = titles,
                   action_for = { line = first.range.start.line, character = first.range.start.character, code = first.code },
                   action_error = aerr and aerr.message or nil }, 0)
        end, bufnr)
      end
    end,
  },
  on_exit = function(code, signal)
    finish({ error = 'server exited: code ' .. tostring(code) .. ' signal ' .. tostring(signal) }, 3)
  end,
})
if not client_id then finish({ error = 'vim.lsp.start_client failed' }, 4) end
vim.lsp.buf_attach_client(bufnr, client_id)

vim.defer_fn(function()
  finish({ error = 'no diagnostics within ' .. timeout .. ' ms' }, 5)
end, timeout)
