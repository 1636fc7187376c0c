#!/usr/bin/python3
"""A second opinion on the oracle: re-computes the fixtures' expected.json in plain numpy (float64) from
model.h5 and input.json, for the layers whose fixtures it knows (not TimeDistributed, Embedding,
Reshape/Permute, Flatten, RepeatVector, Bidirectional), and prints worst |numpy - tfjs| / tolerance per
fixture. Written when the fixtures were made to catch tfjs silently ignoring a config field (it does for
ReLU's negative_slope/threshold, which is why those are not oracle fixtures). Not run by CI.
Usage (from this folder): /usr/bin/python3 crosscheck_numpy.py FIXTURE...
"""
import json, sys, h5py, numpy as np
sig=lambda x:1/(1+np.exp(-x))
ACT={"linear":lambda x:x,"tanh":np.tanh,"sigmoid":sig,"relu":lambda x:np.maximum(x,0),
     "softmax":lambda x:np.exp(x-x.max(-1,keepdims=True))/np.exp(x-x.max(-1,keepdims=True)).sum(-1,keepdims=True)}
def rnn(cls,c,W,x,mask=None):
    K,U=W[0],W[1]; b=W[2] if len(W)>2 else None; M=c['units']; h=np.zeros(M); cc=np.zeros(M); out=[]
    act=ACT[c['activation']]; ra=ACT.get(c.get('recurrent_activation','sigmoid'))
    for t in range(len(x)):
        if mask is not None and not mask[t]: out.append(h); continue
        if cls=='LSTM':
            z=x[t]@K+h@U+(b if b is not None else 0); i,f,g,o=np.split(z,4)
            cc=ra(f)*cc+ra(i)*act(g); h=ra(o)*act(cc)
        elif cls=='SimpleRNN':
            h=act(x[t]@K+h@U+(b if b is not None else 0))
        elif cls=='GRU':
            if c.get('reset_after'):
                mx=x[t]@K+b[0]; mi=h@U+b[1]
                xz,xr,xh=np.split(mx,3); rz,rr,rh=np.split(mi,3)
                z=ra(xz+rz); r=ra(xr+rr); hh=act(xh+r*rh)
            else:
                mx=x[t]@K+b; xz,xr,xh=np.split(mx,3); Uz,Ur,Uh=np.split(U,3,axis=1)
                z=ra(xz+h@Uz); r=ra(xr+h@Ur); hh=act(xh+(r*h)@Uh)
            h=z*h+(1-z)*hh
        out.append(h)
    return np.array(out) if c['return_sequences'] else h
def conv1d(c,W,x):
    k=c['kernel_size'][0]; s=c['strides'][0]; d=c['dilation_rate'][0]; L=len(x); p=c['padding']
    if p=='same':
        out=-(-L//s); tot=max((out-1)*s+(k-1)*d+1-L,0); x=np.pad(x,((tot//2,tot-tot//2),(0,0)))
    elif p=='causal': x=np.pad(x,(((k-1)*d,0),(0,0)))
    n=(len(x)-(k-1)*d-1)//s+1
    y=np.array([sum(x[t*s+j*d]@W[0][j] for j in range(k)) for t in range(n)])
    if len(W)>1: y=y+W[1]
    return ACT[c['activation']](y)
def pool(cls,c,x):
    k=c['pool_size'][0]; s=c['strides'][0]; L=len(x)
    if c['padding']=='same':
        n=-(-L//s); tot=max((n-1)*s+k-L,0); left=tot//2
    else: n=(L-k)//s+1; left=0
    out=[]
    for t in range(n):
        lo=max(t*s-left,0); hi=min(t*s-left+k,L); w=x[lo:hi]
        out.append(w.max(0) if cls=='MaxPooling1D' else w.mean(0))
    return np.array(out)
def layer(cls,c,W,xs,mask):
    x=xs[0]
    if cls=='Dense': return ACT[c['activation']](x@W[0]+(W[1] if len(W)>1 else 0)),mask
    if cls in('LSTM','GRU','SimpleRNN'): return rnn(cls,c,W,x,mask),None
    if cls=='Masking': return x,np.any(x!=c['mask_value'],axis=-1)
    if cls=='Conv1D': return conv1d(c,W,x),None
    if cls in('MaxPooling1D','AveragePooling1D'): return pool(cls,c,x),None
    if cls=='GlobalMaxPooling1D': return x.max(0),None
    if cls=='GlobalAveragePooling1D': return x.mean(0),None
    if cls=='BatchNormalization':
        i=0; g=W[i] if c['scale'] else 1; i+=c['scale']; be=W[i] if c['center'] else 0; i+=c['center']
        return (x-W[i])/np.sqrt(W[i+1]+c['epsilon'])*g+be,mask
    if cls=='LayerNormalization':
        i=0; g=W[i] if c['scale'] else 1; i+=c['scale']; be=W[i] if c['center'] else 0
        mu=x.mean(-1,keepdims=True); v=x.var(-1,keepdims=True); return (x-mu)/np.sqrt(v+c['epsilon'])*g+be,mask
    if cls=='LeakyReLU': return np.where(x>0,x,c['alpha']*x),mask
    if cls=='PReLU': return np.where(x>0,x,W[0]*x),mask
    if cls=='ReLU':
        y=np.maximum(x,0)
        if c['max_value'] is not None: y=np.minimum(y,c['max_value'])
        return y,mask
    if cls=='ELU': return np.where(x>0,x,c['alpha']*(np.exp(x)-1)),mask
    if cls=='Softmax': return ACT['softmax'](x),mask
    if cls=='ThresholdedReLU': return np.where(x>c['theta'],x,0),mask
    if cls=='Concatenate': return np.concatenate(xs,axis=0 if c['axis']==1 else -1),None
    if cls=='Add': return sum(xs),None
    if cls=='Multiply': return np.prod(xs,axis=0),None
    if cls=='Average': return sum(xs)/len(xs),None
    if cls=='Maximum': return np.max(xs,axis=0),None
    if cls=='Minimum': return np.min(xs,axis=0),None
    if cls=='Dot':
        a,b=xs
        if c['normalize']: a=a/np.linalg.norm(a); b=b/np.linalg.norm(b)
        return np.array([a@b]),None
    if cls=='PruneLowMagnitude':
        return ACT[c['layer']['config']['activation']](x@(W[0]*W[2])+W[1]),None
    raise Exception(cls)
def run(d):
    f=h5py.File(f'{d}/model.h5','r'); cfg=json.loads(f.attrs['model_config']); mw=f['model_weights']
    def ws(n):
        g=mw[n]; return [np.asarray(g[w.decode() if isinstance(w,bytes) else w][()],dtype=np.float64) for w in g.attrs['weight_names']]
    exp=json.load(open(f'{d}/expected.json')); worst=0
    for line in open(f'{d}/input.json'):
        r=json.loads(line); x=np.array(r['features'],dtype=np.float32).astype(np.float64)
        vals={}; masks={}
        layers=cfg['config']['layers']
        prev='input'; vals['input']=x; masks['input']=None
        for l in layers:
            cls=l['class_name']; c=l['config']
            if cls=='InputLayer': vals[c['name']]=x; masks[c['name']]=None; prev=c['name']; continue
            ins=[n[0] for n in l['inbound_nodes'][0]] if 'inbound_nodes' in l else [prev]
            y,m=layer(cls,c,ws(c['name']),[vals[i] for i in ins],masks[ins[0]])
            vals[c['name']]=y; masks[c['name']]=m; prev=c['name']
        got=np.ravel(vals[prev]); e=np.ravel(np.array(exp[str(r['id'])]))
        assert got.shape==e.shape,(d,got.shape,e.shape)
        worst=max(worst,np.max(np.abs(got-e)/(1e-5+1e-4*np.abs(e))))
    return worst
for d in sys.argv[1:]:
    try: print(d, "worst/tol=%.3f"%run(d))
    except Exception as ex: print(d,"ERR",repr(ex)[:150])
