import {describe, expect, it} from 'vitest'

import {fishCompletionScript, fishQuote} from '../../../src/lib/shell/fish-completion.js'

describe('fishCompletionScript', () => {
  it('quotes descriptions and values for fish (apostrophes and backslashes escaped)', () => {
    expect(fishQuote(String.raw`it's a\b`)).toBe(String.raw`'it\'s a\\b'`)
  })

  it('builds topic, command and flag lines, leaving hidden ones out', () => {
    const script = fishCompletionScript(
      'tool',
      [
        {
          flags: [
            {char: 'v', name: 'verbose', summary: 'Say more.', type: 'boolean'},
            {name: 'mode', options: ['a', 'b'], summary: "The mode's name.", type: 'option'},
            {hidden: true, name: 'old', type: 'option'},
            {allowNo: true, name: 'color', summary: 'Colour.', type: 'boolean'},
          ],
          id: 'topic:run',
          summary: 'Run it.',
        },
        {flags: [], hidden: true, id: 'secret'},
      ],
      new Map([['topic', 'A topic.']]),
    )
    const lines = script.split('\n')
    expect(lines).toContain("complete -c tool -n '__tool_at' -a 'topic' -d 'A topic'")
    expect(lines).toContain("complete -c tool -n '__tool_at topic' -a 'run' -d 'Run it'")
    expect(lines).toContain("complete -c tool -n '__tool_in topic run' -l verbose -s v -d 'Say more'")
    expect(lines).toContain(
      String.raw`complete -c tool -n '__tool_in topic run' -l mode -x -a 'a b' -d 'The mode\'s name'`,
    )
    expect(lines).toContain("complete -c tool -n '__tool_in topic run' -l no-color -d 'Colour'")
    expect(script).not.toContain('secret')
    expect(script).not.toContain('-l old')
  })
})
