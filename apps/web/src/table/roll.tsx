import type { TableRoll } from '@tavern/protocol'

interface Die {
  value: number
  rolls?: number[]
  rerolled?: number[]
  dropped?: true
  exploded?: true
  fromExplosion?: true
  criticalSuccess?: true
  criticalFailure?: true
  success?: true
  failure?: true
}
interface Node {
  type: string
  value: number
  notation?: string
  sides?: number | string
  dice?: Die[]
  op?: string
  left?: Node
  right?: Node
  operand?: Node
  args?: Node[]
  fn?: string
  entries?: { value: number; roll: Node; dropped?: true }[]
}

function dieClass(d: Die, sides: number | string | undefined): string {
  const c = ['die']
  if (d.dropped) c.push('dropped')
  if (d.exploded) c.push('exploded')
  if (d.fromExplosion) c.push('from-explosion')
  if (d.criticalSuccess || (!d.criticalFailure && d.value === sides && !d.dropped)) c.push('crit')
  if (d.criticalFailure || (d.value === 1 && sides !== 'F' && !d.dropped)) c.push('fumble')
  if (d.success) c.push('success')
  if (d.failure) c.push('failure')
  return c.join(' ')
}

function dieTitle(d: Die, sides: number | string | undefined): string {
  const parts = [`d${sides}: ${d.value}`]
  if (d.dropped) parts.push('dropped')
  if (d.exploded) parts.push('exploded')
  if (d.fromExplosion) parts.push('from an explosion')
  if (d.rerolled?.length) parts.push(`rerolled from ${d.rerolled.join(', ')}`)
  return parts.join(' · ')
}

function RollNodeView({ node }: { node: Node }) {
  switch (node.type) {
    case 'dice':
      return (
        <span className="dice-term" title={node.notation}>
          <span className="notation">{node.notation}</span>
          {node.dice?.map((d, i) => (
            <span
              key={i}
              className={dieClass(d, node.sides)}
              title={dieTitle(d, node.sides)}
              data-die={d.value}
            >
              {d.value}
              {d.exploded && <sup>!</sup>}
            </span>
          ))}
        </span>
      )
    case 'binary':
      return (
        <>
          <RollNodeView node={node.left!} /> <span className="op">{node.op}</span>{' '}
          <RollNodeView node={node.right!} />
        </>
      )
    case 'negate':
      return (
        <>
          −<RollNodeView node={node.operand!} />
        </>
      )
    case 'call':
      return (
        <>
          {node.fn}(
          {node.args?.map((a, i) => (
            <RollNodeView key={i} node={a} />
          ))}
          )
        </>
      )
    case 'group':
      return (
        <>
          {'{'}
          {node.entries?.map((e, i) => (
            <span key={i} className={e.dropped ? 'dropped' : ''}>
              {i > 0 && ', '}
              <RollNodeView node={e.roll} />
            </span>
          ))}
          {'}'}
        </>
      )
    default:
      return <span className="num">{node.value}</span>
  }
}

/** A server roll with every die: kept, dropped (struck through) and exploded (marked `!`). */
export function RollView({ roll }: { roll: TableRoll }) {
  return (
    <span className="roll" data-testid="roll">
      <RollNodeView node={roll.root as unknown as Node} />
      <span className="eq">=</span>
      <span className="total" data-testid="roll-total">
        {roll.total}
      </span>
    </span>
  )
}
